using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>One DER certificate through <see cref="Certificate.Parse"/>, then its names, key and self-signature.</summary>
public static class X509Target
{
    public static void Run(byte[] input)
    {
        try
        {
            var cert = Certificate.Parse(input);
            _ = cert.Subject.ToString() + cert.Issuer.ToString() + cert.SpiffeId;
            _ = cert.PublicKey.KeySizeBits;
            if (cert.IsSelfIssued && cert.SignatureAlgorithm is { } algorithm)
                cert.PublicKey.Verify(algorithm, cert.TbsCertificate.Span, cert.Signature.Span);
        }
        catch (X509Exception)
        {
        }
    }
}
