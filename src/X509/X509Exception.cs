namespace TlsEngine.X509;

/// <summary>Base type of every exception the X.509 layer throws on bad input.</summary>
public class X509Exception : Exception
{
    /// <summary>Creates an exception with a message that names the offending field or certificate.</summary>
    public X509Exception(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception wrapping the lower-level cause.</summary>
    public X509Exception(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The input is not valid DER, or not a valid structure of RFC 5280 (or one of the RFCs it relies on).
/// <see cref="Field"/> names the field that was being read.
/// </summary>
public sealed class X509FormatException : X509Exception
{
    /// <summary>Creates an exception for <paramref name="field"/> with a description of the problem.</summary>
    public X509FormatException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The ASN.1 field (e.g. <c>TBSCertificate.validity.notBefore</c>) that was malformed.</summary>
    public string Field { get; }

    internal string Problem { get; }

    /// <summary>
    /// Parsers on the hot path name their fields relative to the field their caller passed (<c>.rdn</c>, or <c>.</c> for
    /// that field itself), so that no field path is concatenated unless the input is bad. They catch their own format
    /// errors and rethrow them through this, which resolves a relative name against <paramref name="field"/>.
    /// </summary>
    internal X509FormatException Under(string field) =>
        !Field.StartsWith('.') ? this : new X509FormatException(Combine(field, Field), Problem);

    private static string Combine(string field, string relative) =>
        relative == "." ? field : field == "." ? relative : field + relative;
}
