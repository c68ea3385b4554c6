namespace TlsEngine.X509;

/// <summary>
/// Validates a presented certificate chain against a <see cref="TrustStore"/> (RFC 5280 §6.1 path validation,
/// RFC 6125 name checks, RFC 5280 §6.3 CRL checks). Stateless apart from the store and the optional cache; safe to use
/// from many threads.
/// </summary>
public sealed class ChainValidator
{
    private long _signatureChecks;

    /// <summary>Creates a validator for the anchors in <paramref name="trustStore"/>.</summary>
    public ChainValidator(TrustStore trustStore)
        : this(trustStore, null)
    {
    }

    /// <summary>
    /// Creates a validator for the anchors in <paramref name="trustStore"/> that remembers successful validations in
    /// <paramref name="cache"/> (which several validators may share).
    /// </summary>
    public ChainValidator(TrustStore trustStore, ValidatedChainCache? cache)
    {
        ArgumentNullException.ThrowIfNull(trustStore);
        TrustStore = trustStore;
        Cache = cache;
    }

    /// <summary>The trust anchors.</summary>
    public TrustStore TrustStore { get; }

    /// <summary>The cache of validated chains, or null.</summary>
    public ValidatedChainCache? Cache { get; }

    /// <summary>Signature verifications (certificates and CRLs) this validator has done; for tests and metrics.</summary>
    internal long SignatureChecks => Interlocked.Read(ref _signatureChecks);

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
        ValidatedChainCache.Key? key = null;
        if (Cache is not null && !presented.Contains(null!))
        {
            key = new ValidatedChainCache.Key(presented, TrustStore, options);
            if (Cache.TryGet(key, options.Time, out ValidatedChainCache.Entry hit))
                return ValidationResult.Success(FromIndexes(presented, hit.PathIndexes, hit.Anchor));
        }
        ValidationResult result = ValidateUncached(presented, options);
        if (key is not null && result.IsValid)
        {
            (DateTimeOffset from, DateTimeOffset until) = ValidatedChainCache.Window(result.Chain, options);
            int[] indexes = ToIndexes(presented, result.Chain);
            if (Array.IndexOf(indexes, -1) < 0)
                Cache!.Add(key, indexes, [.. result.Chain], from, until);
        }
        return result;
    }

    /// <summary>
    /// Validates DER-encoded certificates as a peer sent them (element 0 the end entity). With a cache, a chain seen
    /// before is answered from the cache before any parsing, with the certificate objects of the first validation;
    /// otherwise the certificates are parsed (a malformed one fails with <see cref="CertificateErrorCode.Malformed"/>
    /// at its index) and validated as <see cref="Validate(IReadOnlyList{Certificate}, ValidationOptions)"/> does.
    /// </summary>
    public ValidationResult ValidateEncoded(IReadOnlyList<ReadOnlyMemory<byte>> presented, ValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(options);
        if (Cache is not null && presented.Count > 0)
        {
            // The key only lives for the lookup: the array the caller built will do.
            var encoded = presented as ReadOnlyMemory<byte>[] ?? [.. presented];
            if (Cache.TryGet(new ValidatedChainCache.Key(encoded, TrustStore, options), options.Time, out ValidatedChainCache.Entry hit))
                return ValidationResult.Success(hit.Chain);
        }
        var parsed = new Certificate[presented.Count];
        for (int i = 0; i < parsed.Length; i++)
        {
            try
            {
                parsed[i] = Certificate.Parse(presented[i]);
            }
            catch (X509Exception e)
            {
                return ValidationResult.Failure(new CertificateError(CertificateErrorCode.Malformed, i, null, $"certificate {i} is malformed: {e.Message}"));
            }
        }
        return Validate(parsed, options);
    }

    private ValidationResult ValidateUncached(IReadOnlyList<Certificate> presented, ValidationOptions options)
    {

        Certificate leaf = presented[0];
        bool trustedLeaf = TrustStore.ContainsExactly(leaf);
        CertificateError? error = CertificateChecks.Intrinsic(leaf, 0, options.Time) ?? CertificateChecks.Leaf(leaf, options)
            ?? (options.StrictProfile
                ? CertificateChecks.Profile(leaf, 0, trustedLeaf ? CertificateChecks.Position.TrustedLeaf : CertificateChecks.Position.Leaf)
                : null);
        if (error is not null)
            return ValidationResult.Failure(error);

        Certificate[] chain;
        if (trustedLeaf)
        {
            // A trust anchor presented as the end entity is accepted only when it is exactly that anchor.
            chain = [leaf];
        }
        else
        {
            PathBuilder builder = PathBuilder.Rent(TrustStore, Intermediates(presented, leaf), options);
            Certificate[]? built;
            CertificateError? failure = null;
            try
            {
                built = builder.Build(leaf);
                Interlocked.Add(ref _signatureChecks, builder.SignaturesChecked);
                if (built is null)
                    failure = builder.Error;
            }
            finally
            {
                builder.Return();
            }
            if (built is null)
                return ValidationResult.Failure(failure!);
            chain = built;
        }

        error = CheckNames(leaf, options);
        return error is null ? ValidationResult.Success(chain) : ValidationResult.Failure(error);
    }

    // The path as positions in the presented list (the anchor, last, is kept as an object), so that a cache hit returns
    // the caller's own certificate objects.
    private static int[] ToIndexes(IReadOnlyList<Certificate> presented, IReadOnlyList<Certificate> chain)
    {
        var indexes = new int[chain.Count - 1];
        for (int i = 0; i < indexes.Length; i++)
        {
            indexes[i] = -1;
            for (int j = 0; j < presented.Count; j++)
            {
                if (ReferenceEquals(presented[j], chain[i]))
                {
                    indexes[i] = j;
                    break;
                }
            }
        }
        return indexes;
    }

    private static Certificate[] FromIndexes(IReadOnlyList<Certificate> presented, int[] indexes, Certificate anchor)
    {
        var chain = new Certificate[indexes.Length + 1];
        for (int i = 0; i < indexes.Length; i++)
            chain[i] = presented[indexes[i]];
        chain[^1] = anchor;
        return chain;
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
