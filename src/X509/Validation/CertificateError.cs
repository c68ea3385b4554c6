namespace TlsEngine.X509;

/// <summary>One validation failure: what failed, for which certificate, and where in the path.</summary>
public sealed class CertificateError
{
    /// <summary>Creates an error.</summary>
    public CertificateError(CertificateErrorCode code, int depth, Certificate? certificate, string message)
    {
        Code = code;
        Depth = depth;
        Certificate = certificate;
        Message = message;
    }

    /// <summary>The failed check.</summary>
    public CertificateErrorCode Code { get; }

    /// <summary>Position in the path: 0 for the end-entity certificate, increasing towards the anchor.</summary>
    public int Depth { get; }

    /// <summary>The certificate at fault, when there is one.</summary>
    public Certificate? Certificate { get; }

    /// <summary>A message naming the certificate by subject and the check that failed.</summary>
    public string Message { get; }

    /// <summary>How specific the error is: when every path fails, the most specific error is reported.</summary>
    internal int Rank => Code switch
    {
        CertificateErrorCode.UnknownIssuer => 0,
        CertificateErrorCode.ChainTooLong => 1,
        CertificateErrorCode.BadSignature => 2,
        _ => 3,
    };

    internal static CertificateError For(CertificateErrorCode code, int depth, Certificate certificate, string problem) =>
        new(code, depth, certificate, $"certificate '{certificate.Subject}' (depth {depth}): {problem}");

    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Message}";
}
