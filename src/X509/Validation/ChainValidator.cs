namespace TlsEngine.X509;

/// <summary>
/// Validates a presented certificate chain against a <see cref="TrustStore"/> (RFC 5280 §6.1 path validation,
/// RFC 6125 name checks). Stateless apart from the store; safe to use from many threads.
/// </summary>
public sealed class ChainValidator
{
    /// <summary>Creates a validator for the anchors in <paramref name="trustStore"/>.</summary>
    public ChainValidator(TrustStore trustStore)
    {
        ArgumentNullException.ThrowIfNull(trustStore);
        TrustStore = trustStore;
    }

    /// <summary>The trust anchors.</summary>
    public TrustStore TrustStore { get; }

    /// <summary>
    /// Validates <paramref name="presented"/>: element 0 is the end-entity certificate, the rest are untrusted
    /// intermediates in any order (duplicates and unrelated certificates are tolerated). Never throws for bad
    /// certificates: the outcome, with the most specific failure, is in the result.
    /// </summary>
    public ValidationResult Validate(IReadOnlyList<Certificate> presented, ValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxDepth);
        if (presented.Count == 0)
            return ValidationResult.Failure(new CertificateError(CertificateErrorCode.Malformed, 0, null, "no certificate was presented"));

        Certificate leaf = presented[0];
        bool trustedLeaf = TrustStore.ContainsExactly(leaf);
        CertificateError? error = CertificateChecks.Intrinsic(leaf, 0, options.Time) ?? CertificateChecks.Leaf(leaf, options)
            ?? (options.StrictProfile
                ? CertificateChecks.Profile(leaf, 0, trustedLeaf ? CertificateChecks.Position.TrustedLeaf : CertificateChecks.Position.Leaf)
                : null);
        if (error is not null)
            return ValidationResult.Failure(error);

        List<Certificate> chain;
        if (trustedLeaf)
        {
            // A trust anchor presented as the end entity is accepted only when it is exactly that anchor.
            chain = [leaf];
        }
        else
        {
            var builder = new PathBuilder(TrustStore, Intermediates(presented, leaf), options);
            List<Certificate>? built = builder.Build(leaf);
            if (built is null)
                return ValidationResult.Failure(builder.Error);
            chain = built;
        }

        error = CheckNames(leaf, options);
        return error is null ? ValidationResult.Success(chain) : ValidationResult.Failure(error);
    }

    private static CertificateError? CheckNames(Certificate leaf, ValidationOptions options)
    {
        if (options.DnsName is { } dns && !NameMatching.MatchesDnsName(leaf, dns))
            return CertificateError.For(CertificateErrorCode.NameMismatch, 0, leaf,
                $"no dNSName subjectAltName matches '{dns}' (RFC 6125 §6.4)");
        if (options.IpAddress is { } ip && !NameMatching.MatchesIpAddress(leaf, ip))
            return CertificateError.For(CertificateErrorCode.NameMismatch, 0, leaf,
                $"no iPAddress subjectAltName equals {ip}");
        return null;
    }

    // Presented certificates after the leaf, without exact duplicates and without the leaf itself.
    private static Certificate[] Intermediates(IReadOnlyList<Certificate> presented, Certificate leaf)
    {
        if (presented.Count == 1)
            return [];
        if (presented.Count <= 16)
        {
            // Few certificates (the TLS case): pairwise comparison, no hash set.
            var small = new List<Certificate>(presented.Count - 1);
            for (int i = 1; i < presented.Count; i++)
            {
                Certificate c = presented[i];
                if (c is not null && !RawDataComparer.Instance.Equals(c, leaf) && !ContainsRaw(small, c))
                    small.Add(c);
            }
            return small.ToArray();
        }
        var seen = new HashSet<Certificate>(RawDataComparer.Instance) { leaf };
        var result = new List<Certificate>(presented.Count - 1);
        for (int i = 1; i < presented.Count; i++)
        {
            Certificate c = presented[i];
            if (c is not null && seen.Add(c))
                result.Add(c);
        }
        return result.ToArray();
    }

    private static bool ContainsRaw(List<Certificate> list, Certificate c)
    {
        foreach (Certificate x in list)
        {
            if (RawDataComparer.Instance.Equals(x, c))
                return true;
        }
        return false;
    }

    private sealed class RawDataComparer : IEqualityComparer<Certificate>
    {
        public static readonly RawDataComparer Instance = new();

        public bool Equals(Certificate? x, Certificate? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.RawData.Span.SequenceEqual(y.RawData.Span));

        public int GetHashCode(Certificate obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj.RawData.Span);
            return hash.ToHashCode();
        }
    }
}
