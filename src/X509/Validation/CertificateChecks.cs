namespace TlsEngine.X509;

/// <summary>The RFC 5280 §6.1.3/§6.1.4 checks that depend on one certificate and its position only.</summary>
internal static class CertificateChecks
{
    /// <summary>
    /// Checks any non-anchor certificate: consistent algorithms, subject/SAN consistency, validity at the time
    /// (compared at the one-second granularity of the encoding), critical extensions.
    /// </summary>
    public static CertificateError? Intrinsic(Certificate cert, int depth, DateTimeOffset time)
    {
        // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
        if (!cert.SignatureAlgorithmsMatch)
            return CertificateError.For(CertificateErrorCode.Malformed, depth, cert,
                "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)");
        // RFC 5280 §4.1.2.6: an empty subject requires a subjectAltName marked critical.
        if (cert.Subject.IsEmpty && !HasCriticalSubjectAltName(cert))
            return CertificateError.For(CertificateErrorCode.Malformed, depth, cert,
                "subject is empty but there is no critical subjectAltName (RFC 5280 §4.1.2.6)");
        return Validity(cert, depth, time) ?? UnknownCritical(cert, depth);
    }

    /// <summary>
    /// RFC 5280 §6.1.3 (a)(2): the validity period includes the time (compared at the one-second granularity of the
    /// encoding). Applied to trust anchors too: an expired root is not trusted.
    /// </summary>
    public static CertificateError? Validity(Certificate cert, int depth, DateTimeOffset time)
    {
        time = new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (time < cert.NotBefore)
            return CertificateError.For(CertificateErrorCode.NotYetValid, depth, cert,
                $"not yet valid: notBefore {cert.NotBefore:u} is after the validation time {time:u}");
        if (time > cert.NotAfter)
            return CertificateError.For(CertificateErrorCode.Expired, depth, cert,
                $"expired: notAfter {cert.NotAfter:u} is before the validation time {time:u}");
        return null;
    }

    private static bool HasCriticalSubjectAltName(Certificate cert) => cert.IsExtensionCritical(Oids.SubjectAltName) == true;

    /// <summary>RFC 5280 §6.1.4 (o) and §4.2: a critical extension that is not processed fails validation.</summary>
    public static CertificateError? UnknownCritical(Certificate cert, int depth) =>
        cert.HasUnknownCriticalExtension
            ? CertificateError.For(CertificateErrorCode.UnknownCriticalExtension, depth, cert,
                $"critical extension {cert.FirstUnknownCriticalExtension} is not supported")
            : null;

    /// <summary>
    /// End-entity checks: keyUsage (§4.2.1.3), extendedKeyUsage (§4.2.1.12), a usable public key, and for the TLS
    /// purposes digitalSignature (RFC 8446 §4.4.2.2: the key signs CertificateVerify).
    /// </summary>
    public static CertificateError? Leaf(Certificate leaf, ValidationOptions options)
    {
        KeyPurpose purpose = options.Purpose;
        bool isCa = leaf.BasicConstraints is { IsCa: true };
        // §4.2.1.3: keyCertSign requires cA; §4.2.1.10: name constraints only in CA certificates.
        if (!isCa && leaf.KeyUsage is { } signs && (signs & KeyUsageFlags.KeyCertSign) != 0)
            return CertificateError.For(CertificateErrorCode.KeyUsage, 0, leaf,
                "keyUsage asserts keyCertSign but basicConstraints cA is not true (RFC 5280 §4.2.1.3)");
        if (!isCa && leaf.NameConstraints is not null)
            return CertificateError.For(CertificateErrorCode.Malformed, 0, leaf,
                "nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)");
        bool tls = purpose is KeyPurpose.ServerAuth or KeyPurpose.ClientAuth;
        if (tls && leaf.KeyUsage is { } ku && (ku & KeyUsageFlags.DigitalSignature) == 0)
            return CertificateError.For(CertificateErrorCode.KeyUsage, 0, leaf,
                $"keyUsage ({ku}) does not include digitalSignature, which TLS needs (RFC 8446 §4.4.2.2)");
        if (!AllowsPurpose(leaf, purpose))
            return CertificateError.For(CertificateErrorCode.ExtendedKeyUsage, 0, leaf,
                $"extendedKeyUsage does not include {purpose} or anyExtendedKeyUsage");
        // The subject key must be one this library can use (the peer proves possession with it): supported algorithm,
        // curve and size (RSA at least 2048 bits, whole octets; the CA/B BR 7.1.3.1 key rules).
        // (Checked without importing the key: the TLS layer imports it once, to verify CertificateVerify.)
        if (PublicKeyDecoder.Check(leaf.SubjectPublicKeyInfo.Span) is { } keyError)
            return CertificateError.For(CertificateErrorCode.UnsupportedAlgorithm, 0, leaf, keyError);
        return options.RequireCommonNameInSubjectAltName ? CommonNameInSubjectAltName(leaf) : null;
    }

    /// <summary>CA/B BR 7.1.4.3: each subject CN is a character-for-character copy of a SAN entry.</summary>
    private static CertificateError? CommonNameInSubjectAltName(Certificate leaf)
    {
        foreach (NameAttribute cn in leaf.Subject.AttributesOfType(Oids.CommonName))
        {
            if (cn.Value is not { } text || !SubjectAltNameHasText(leaf, text))
                return CertificateError.For(CertificateErrorCode.Profile, 0, leaf,
                    $"subject commonName '{cn.Value}' is not a copy of a dNSName or iPAddress subjectAltName (CA/B BR 7.1.4.3)");
        }
        return null;
    }

    private static bool SubjectAltNameHasText(Certificate leaf, string text)
    {
        foreach (string dns in leaf.DnsNames)
        {
            if (string.Equals(dns, text, StringComparison.Ordinal))
                return true;
        }
        // iPAddress entries in their canonical text: dotted quad, or RFC 5952 §4 (lower case, longest zero run compressed).
        foreach (System.Net.IPAddress ip in leaf.IpAddresses)
        {
            if (string.Equals(ip.ToString(), text, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Where a certificate sits in the path, for <see cref="Profile"/>.</summary>
    public enum Position
    {
        Leaf,
        Intermediate,
        Anchor,
        /// <summary>The end-entity certificate that is itself a trust anchor (a directly trusted certificate).</summary>
        TrustedLeaf,
    }

    /// <summary>The <see cref="ValidationOptions.StrictProfile"/> rules for one certificate in its position.</summary>
    public static CertificateError? Profile(Certificate cert, int depth, Position position)
    {
        bool anchor = position is Position.Anchor or Position.TrustedLeaf;
        // A v1 trust anchor cannot carry extensions; RFC 5280 §6.1.1 (d) takes its name and key as given.
        if (anchor && cert.Version < 3)
            return null;
        bool isCa = cert.BasicConstraints is { IsCa: true };
        if (position is Position.Intermediate or Position.Anchor || (position is Position.TrustedLeaf && isCa))
        {
            if (cert.SubjectKeyIdentifier is null)
                return CertificateError.For(CertificateErrorCode.Profile, depth, cert,
                    "CA certificate has no subjectKeyIdentifier (RFC 5280 §4.2.1.2)");
            if (cert.IsExtensionCritical(Oids.BasicConstraints) == false)
                return CertificateError.For(CertificateErrorCode.Profile, depth, cert,
                    "CA certificate has a non-critical basicConstraints (RFC 5280 §4.2.1.9)");
        }
        // §4.2.1.10 asks CAs to mark nameConstraints critical, but the Web PKI accepts (and processes) non-critical ones,
        // which some CAs issue for old clients; they are processed here too.
        if (anchor)
        {
            AuthorityKeyIdentifier? aki = cert.AuthorityKeyIdentifier;
            // A trust anchor is an input (§6.1.1 (d)): it needs no AKI to be found, whoever signed it. A self-issued one
            // that has an AKI must point at itself (CA/B BR 7.1.2.1.3: keyIdentifier equal to the SKI, nothing else).
            if (cert.IsSelfIssued && aki is not null && (aki.KeyIdentifier is not { } keyId || aki.AuthorityCertIssuer is not null
                || aki.AuthorityCertSerialNumber is not null
                || (cert.SubjectKeyIdentifier is { } ski && !ski.Span.SequenceEqual(keyId.Span))))
                return CertificateError.For(CertificateErrorCode.Profile, depth, cert,
                    "self-issued trust anchor has an authorityKeyIdentifier other than its own keyIdentifier (CA/B BR 7.1.2.1.3)");
        }
        else if (cert.AuthorityKeyId is null)
        {
            return CertificateError.For(CertificateErrorCode.Profile, depth, cert,
                "authorityKeyIdentifier with keyIdentifier is missing (RFC 5280 §4.2.1.1)");
        }
        if (position is Position.Leaf or Position.TrustedLeaf)
        {
            if (position is Position.Leaf && isCa)
                return CertificateError.For(CertificateErrorCode.Profile, depth, cert,
                    "end-entity certificate is a CA (basicConstraints cA is true; CA/B BR 7.1.2.7.8)");
            if (!cert.Subject.IsEmpty && cert.IsExtensionCritical(Oids.SubjectAltName) == true)
                return CertificateError.For(CertificateErrorCode.Profile, depth, cert,
                    "subjectAltName is critical although the subject is not empty (RFC 5280 §4.2.1.6, CA/B BR 7.1.2.7.12)");
        }
        return null;
    }

    /// <summary>
    /// An intermediate CA that carries extendedKeyUsage restricts the purposes of the certificates below it (the
    /// common practice of OpenSSL, Go and browsers; RFC 5280 leaves it open).
    /// </summary>
    public static CertificateError? IssuerPurpose(Certificate issuer, int depth, KeyPurpose purpose) =>
        AllowsPurpose(issuer, purpose) ? null
            : CertificateError.For(CertificateErrorCode.ExtendedKeyUsage, depth, issuer,
                $"extendedKeyUsage of this CA does not include {purpose} or anyExtendedKeyUsage");

    private static bool AllowsPurpose(Certificate cert, KeyPurpose purpose)
    {
        byte[]? wanted = purpose switch
        {
            KeyPurpose.ServerAuth => Oids.ServerAuth,
            KeyPurpose.ClientAuth => Oids.ClientAuth,
            _ => null,
        };
        return wanted is null || !cert.HasExtendedKeyUsageExtension
            || cert.HasExtendedKeyUsage(wanted) || cert.HasExtendedKeyUsage(Oids.AnyExtendedKeyUsage);
    }

    /// <summary>
    /// Issuer checks (§6.1.4 (k), (n)): basicConstraints cA must be true (a v1/v2 certificate is a CA only as a trust
    /// anchor), and keyUsage, when present, must include keyCertSign.
    /// </summary>
    public static CertificateError? Issuer(Certificate issuer, int depth, bool isAnchor)
    {
        // §4.1.2.6: a CA's subject MUST be non-empty (issuers are matched by it).
        if (issuer.Subject.IsEmpty)
            return CertificateError.For(CertificateErrorCode.Malformed, depth, issuer, "CA certificate has an empty subject (RFC 5280 §4.1.2.6)");
        bool legacyAnchor = isAnchor && issuer.Version < 3;
        if (!legacyAnchor && issuer.BasicConstraints is not { IsCa: true })
            return CertificateError.For(CertificateErrorCode.NotCa, depth, issuer,
                issuer.BasicConstraints is null
                    ? "issues certificates but has no basicConstraints extension (RFC 5280 §6.1.4 (k))"
                    : "issues certificates but basicConstraints cA is false (RFC 5280 §6.1.4 (k))");
        if (issuer.KeyUsage is { } ku && (ku & KeyUsageFlags.KeyCertSign) == 0)
            return CertificateError.For(CertificateErrorCode.KeyUsage, depth, issuer,
                $"issues certificates but keyUsage ({ku}) does not include keyCertSign (RFC 5280 §6.1.4 (n))");
        return null;
    }

    /// <summary>
    /// RFC 5280 §4.2.1.9 / §6.1.4 (l), (m): the number of non-self-issued intermediates below <paramref name="issuer"/>
    /// (positions 1 … depth-1 of <paramref name="path"/>; the leaf does not count) must not exceed its pathLenConstraint.
    /// </summary>
    public static CertificateError? PathLength(Certificate issuer, int depth, List<Certificate> path)
    {
        if (issuer.BasicConstraints?.PathLengthConstraint is not int limit)
            return null;
        int below = 0;
        for (int i = 1; i < depth && i < path.Count; i++)
        {
            if (!path[i].IsSelfIssued)
                below++;
        }
        return below > limit
            ? CertificateError.For(CertificateErrorCode.PathLengthExceeded, depth, issuer,
                $"pathLenConstraint {limit} allows fewer than the {below} intermediate certificate(s) below it")
            : null;
    }
}
