using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The PEM reader: <see cref="Pem.Decode(ReadOnlySpan{byte})"/> may throw only FormatException (bad base64);
/// <see cref="CertificateLoader.Load"/> and <see cref="CertificateRevocationList.Load"/> only X509Exception.
/// </summary>
public static class PemTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            foreach (var block in Pem.Decode(input))
                _ = block.Label.Length + block.Der.Length;
        }
        catch (FormatException)
        {
        }
        try
        {
            CertificateLoader.Load(input);
        }
        catch (X509Exception)
        {
        }
        try
        {
            CertificateRevocationList.Load(input);
        }
        catch (X509Exception)
        {
        }
    }
}
