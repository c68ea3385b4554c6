using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Support;

/// <summary>
/// Differential check of certificate parsing: ours (<see cref="Certificate.Parse"/>, strict DER) against
/// BouncyCastle's X509CertificateParser and .NET's X509CertificateLoader on the same bytes.
/// </summary>
public static class X509Differential
{
    public sealed record Verdict(bool Ours, bool BouncyCastle, bool DotNet, string Detail, string ReferenceDetail)
    {
        /// <summary>The two references agree with each other and we differ from them.</summary>
        public bool Disagrees => BouncyCastle == DotNet && Ours != BouncyCastle;
    }

    public static Verdict Compare(byte[] der)
    {
        string detail = "";
        bool ours = true;
        try
        {
            Certificate.Parse(der);
        }
        catch (X509Exception e)
        {
            (ours, detail) = (false, e.Message);
        }
        string references = "";
        bool bc = Reference(() => _ = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der) ?? throw new FormatException("no certificate"), ref references);
        bool net = Reference(() => X509CertificateLoader.LoadCertificate(der).Dispose(), ref references);
        return new Verdict(ours, bc, net, detail, references);
    }

    // The references' own failure types (BouncyCastle's ASN.1 errors are IOExceptions).
    private static bool Reference(Action parse, ref string errors)
    {
        try
        {
            parse();
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException or IOException
            or InvalidCastException or InvalidOperationException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            errors += $"[{e.GetType().Name}: {e.Message}] ";
            return false;
        }
    }
}
