namespace TlsEngine.X509;

/// <summary>The outcome of <see cref="ChainValidator.Validate"/>.</summary>
public sealed class ValidationResult
{
    private ValidationResult(IReadOnlyList<Certificate> chain, CertificateError? error)
    {
        Chain = chain;
        Error = error;
    }

    /// <summary>True if a path to a trust anchor passed every check.</summary>
    public bool IsValid => Error is null;

    /// <summary>The validated path, end-entity first and trust anchor last; empty when invalid.</summary>
    public IReadOnlyList<Certificate> Chain { get; }

    /// <summary>The failure (the most specific one found), or null when valid.</summary>
    public CertificateError? Error { get; }

    internal static ValidationResult Success(IReadOnlyList<Certificate> chain) => new(chain, null);

    internal static ValidationResult Failure(CertificateError error) => new([], error);

    /// <inheritdoc/>
    public override string ToString() => IsValid ? $"valid ({Chain.Count} certificates)" : Error!.ToString();
}
