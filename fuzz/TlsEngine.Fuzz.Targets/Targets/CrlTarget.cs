using TlsEngine.Fuzz.Support;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// A DER CRL through <see cref="CertificateRevocationList.Parse"/>, then used by path validation of the fuzz PKI's
/// intermediate chain at the CRL's own thisUpdate (signature, freshness, critical extensions, revoked serials).
/// </summary>
public static class CrlTarget
{
    private static readonly Lazy<IReadOnlyList<Certificate>> s_chain = new(() => FuzzPki.Certificates("server-chained.pem"));
    private static readonly Lazy<ChainValidator> s_validator = new(() => new ChainValidator(FuzzPki.Anchors));

    public static void Run(byte[] input)
    {
        CertificateRevocationList crl;
        try
        {
            crl = CertificateRevocationList.Parse(input);
        }
        catch (X509Exception)
        {
            return;
        }
        _ = crl.ToString();
        foreach (var entry in crl.RevokedCertificates) crl.Find(entry.SerialNumber.Span);
        var options = new ValidationOptions { Time = crl.ThisUpdate, Crls = [crl], RequireRevocationStatus = true };
        s_validator.Value.Validate(s_chain.Value, options);
    }
}
