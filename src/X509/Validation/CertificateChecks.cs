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
        time = new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
        if (!cert.SignatureAlgorithmsMatch)
            return CertificateError.For(CertificateErrorCode.Malformed, depth, cert,
                "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)");
        // RFC 5280 §4.1.2.6: an empty subject requires a subjectAltName marked critical.
        if (cert.Subject.IsEmpty && !HasCriticalSubjectAltName(cert))
            return CertificateError.For(CertificateErrorCode.Malformed, depth, cert,
                "subject is empty but there is no critical subjectAltName (RFC 5280 §4.1.2.6)");
        // RFC 5280 §6.1.3 (a)(2): the validity period includes the current time.
        if (time < cert.NotBefore)
            return CertificateError.For(CertificateErrorCode.NotYetValid, depth, cert,
                $"not yet valid: notBefore {cert.NotBefore:u} is after the validation time {time.ToUniversalTime():u}");
        if (time > cert.NotAfter)
            return CertificateError.For(CertificateErrorCode.Expired, depth, cert,
                $"expired: notAfter {cert.NotAfter:u} is before the validation time {time.ToUniversalTime():u}");
        return UnknownCritical(cert, depth);
    }

    private static bool HasCriticalSubjectAltName(Certificate cert)
    {
        foreach (X509Extension e in cert.Extensions)
        {
            if (e.Critical && Oids.Is(e.OidContent, Oids.SubjectAltName))
                return true;
        }
        return false;
    }

    /// <summary>RFC 5280 §6.1.4 (o) and §4.2: a critical extension that is not processed fails validation.</summary>
    public static CertificateError? UnknownCritical(Certificate cert, int depth) =>
        cert.HasUnknownCriticalExtension
            ? CertificateError.For(CertificateErrorCode.UnknownCriticalExtension, depth, cert,
                $"critical extension {cert.FirstUnknownCriticalExtension} is not supported")
            : null;

    /// <summary>End-entity checks: keyUsage (§4.2.1.3) and extendedKeyUsage (§4.2.1.12).</summary>
    public static CertificateError? Leaf(Certificate leaf, KeyPurpose purpose)
    {
        bool isCa = leaf.BasicConstraints is { IsCa: true };
        // §4.2.1.3: keyCertSign requires cA; §4.2.1.10: name constraints only in CA certificates.
        if (!isCa && leaf.KeyUsage is { } signs && (signs & KeyUsageFlags.KeyCertSign) != 0)
            return CertificateError.For(CertificateErrorCode.KeyUsage, 0, leaf,
                "keyUsage asserts keyCertSign but basicConstraints cA is not true (RFC 5280 §4.2.1.3)");
        if (!isCa && leaf.NameConstraints is not null)
            return CertificateError.For(CertificateErrorCode.Malformed, 0, leaf,
                "nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)");
        if (leaf.KeyUsage is { } ku && (ku & KeyUsageFlags.DigitalSignature) == 0)
            return CertificateError.For(CertificateErrorCode.KeyUsage, 0, leaf,
                $"keyUsage ({ku}) does not include digitalSignature");
        return AllowsPurpose(leaf, purpose) ? null
            : CertificateError.For(CertificateErrorCode.ExtendedKeyUsage, 0, leaf,
                $"extendedKeyUsage does not include {purpose} or anyExtendedKeyUsage");
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
