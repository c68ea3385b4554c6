using TlsEngine.Crypto;

namespace TlsEngine.X509;

/// <summary>
/// CRL checks of a complete path (RFC 5280 §6.3) with the CRLs of <see cref="ValidationOptions.Crls"/>: complete CRLs
/// signed directly by the certificate's issuer. Delta CRLs, indirect CRLs, reason partitions and CRL issuers other than
/// the certificate's issuer are not used yet (issue 4); a CRL that needs them is unusable, never silently trusted.
/// </summary>
internal static class RevocationChecker
{
    /// <summary>Checks every certificate of <paramref name="path"/> (leaf first; the anchor is not checked).</summary>
    public static CertificateError? Check(List<Certificate> path, Certificate anchor, ValidationOptions options, BudgetCounter budget)
    {
        for (int i = path.Count - 1; i >= 0; i--)
        {
            Certificate cert = path[i];
            Certificate issuer = i + 1 < path.Count ? path[i + 1] : anchor;
            CertificateError? error = CheckOne(cert, i, issuer, options, budget);
            if (error is not null)
                return error;
        }
        return null;
    }

    private static CertificateError? CheckOne(Certificate cert, int depth, Certificate issuer, ValidationOptions options, BudgetCounter budget)
    {
        string? problem = null;
        bool covered = false;
        foreach (CertificateRevocationList crl in options.Crls)
        {
            if (!Covers(crl, cert, issuer))
                continue;
            string? unusable = Unusable(crl, issuer, options.Time, budget);
            if (unusable is not null)
            {
                problem ??= unusable;
                continue;
            }
            covered = true;
            if (crl.Find(cert.SerialNumber.Span) is { } entry)
            {
                string reason = entry.Reason is { } r ? r.ToString() : "no reason code";
                string invalid = entry.InvalidityDate is { } d ? $", invalid since {d:u}" : string.Empty;
                return CertificateError.For(CertificateErrorCode.Revoked, depth, cert,
                    $"serial {Convert.ToHexString(cert.SerialNumber.Span)} is revoked by the CRL of '{crl.Issuer}' " +
                    $"(thisUpdate {crl.ThisUpdate:u}): revoked {entry.RevocationDate:u}, reason {reason}{invalid}");
            }
        }
        if (covered)
            return null;
        if (problem is not null)
            return CertificateError.For(CertificateErrorCode.RevocationStatusUnknown, depth, cert,
                $"no usable CRL from '{cert.Issuer}': {problem}");
        return options.RequireRevocationStatus
            ? CertificateError.For(CertificateErrorCode.RevocationStatusUnknown, depth, cert, $"no CRL from '{cert.Issuer}' was supplied")
            : null;
    }

    // §6.3.3 (b): the CRL issuer is the certificate's issuer (matching name, and key identifier when both are known) and the
    // certificate is in the CRL's scope (issuingDistributionPoint, §5.2.5).
    private static bool Covers(CertificateRevocationList crl, Certificate cert, Certificate issuer)
    {
        if (!crl.Issuer.Matches(cert.Issuer))
            return false;
        if (crl.AuthorityKeyIdentifier?.KeyIdentifier is { } keyId && issuer.SubjectKeyIdentifier is { } ski && !keyId.Span.SequenceEqual(ski.Span))
            return false;
        if (crl.IssuingDistributionPoint is not { } idp)
            return true;
        bool isCa = cert.BasicConstraints is { IsCa: true };
        if ((idp.OnlyUserCerts && isCa) || (idp.OnlyCaCerts && !isCa) || idp.OnlyAttributeCerts)
            return false;
        // §6.3.3 (b)(2)(i): a partitioned CRL covers the certificates that name one of its distribution points.
        if (idp.FullName is { } names)
        {
            if (cert.CrlDistributionPointNames is not { } points)
                return false;
            foreach (GeneralName[] point in points)
            {
                if (DistributionPoints.ShareName(names, point))
                    return true;
            }
            return false;
        }
        return true;
    }

    // §6.3.3 (a), (f), (g), (j) and §5.2: returns why the CRL may not be used, or null.
    private static string? Unusable(CertificateRevocationList crl, Certificate issuer, DateTimeOffset time, BudgetCounter budget)
    {
        if (crl.IsDelta)
            return "it is a delta CRL (delta CRLs are not supported yet)";
        if (crl.FirstUnknownCriticalExtension is { } critical)
            return $"it has the critical {critical}, which is not processed (RFC 5280 §5.2)";
        if (crl.IssuingDistributionPoint is { } idp && (idp.Indirect || idp.OnlySomeReasons || idp.HasRelativeName))
            return "its issuingDistributionPoint needs indirect CRLs, reason partitions or nameRelativeToCRLIssuer, which are not supported yet";
        if (crl.CrlNumber is null)
            return "it has no cRLNumber (RFC 5280 §5.2.3)";
        time = new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (crl.ThisUpdate > time)
            return $"its thisUpdate {crl.ThisUpdate:u} is after the validation time {time:u}";
        if (crl.NextUpdate is not { } next)
            return "it has no nextUpdate (RFC 5280 §5.1.2.5)";
        if (next < time)
            return $"it is stale: nextUpdate {next:u} is before the validation time {time:u}";
        // §6.3.3 (f): the issuer's keyUsage, when present, must assert cRLSign.
        if (issuer.KeyUsage is { } ku && (ku & KeyUsageFlags.CrlSign) == 0)
            return $"the issuer's keyUsage ({ku}) does not include cRLSign (RFC 5280 §6.3.3 (f))";
        if (!crl.SignatureAlgorithmsMatch)
            return "signatureAlgorithm differs from tbsCertList.signature (RFC 5280 §5.1.1.2)";
        if (crl.SignatureAlgorithm is not { } algorithm)
            return crl.SignatureAlgorithmProblem ?? "unsupported signature algorithm";
        if (!issuer.TryGetPublicKey(out PublicKey? key, out string? keyError))
            return keyError;
        if (!budget.TakeSignature())
            return "the signature budget is exhausted";
        bool ok;
        try
        {
            ok = key.Verify(algorithm, crl.TbsCertList.Span, crl.Signature.Span);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ok = false;
        }
        return ok ? null : $"its {algorithm} signature does not verify with the public key of '{issuer.Subject}' (RFC 5280 §6.3.3 (g))";
    }
}
