using TlsEngine.Crypto;

namespace TlsEngine.X509;

/// <summary>Loads certificates from PEM bundles (RFC 7468 "CERTIFICATE" blocks) or a single DER certificate.</summary>
public static class CertificateLoader
{
    /// <summary>Upper bound on certificates in one bundle.</summary>
    public const int MaxCertificates = 10_000;

    /// <summary>
    /// Returns every certificate in <paramref name="pemOrDer"/>: all CERTIFICATE blocks of a PEM text in order
    /// (other blocks are ignored), or the one certificate of a DER input.
    /// </summary>
    /// <exception cref="X509FormatException">Malformed PEM, no certificate, or a malformed certificate.</exception>
    public static IReadOnlyList<Certificate> Load(ReadOnlySpan<byte> pemOrDer)
    {
        if (!Pem.LooksLikePem(pemOrDer))
            return [Certificate.Parse(pemOrDer.ToArray())];
        List<Pem.Block> blocks;
        try
        {
            blocks = Pem.Decode(pemOrDer);
        }
        catch (FormatException e)
        {
            throw new X509FormatException("PEM", e.Message);
        }
        var result = new List<Certificate>();
        foreach (Pem.Block block in blocks)
        {
            if (block.Label != "CERTIFICATE")
                continue;
            if (result.Count >= MaxCertificates)
                throw new X509FormatException("PEM", $"more than {MaxCertificates} certificates");
            result.Add(Certificate.Parse(block.Der));
        }
        if (result.Count == 0)
            throw new X509FormatException("PEM", "no CERTIFICATE block found");
        return result;
    }

    /// <summary>Reads a file and returns its certificates as <see cref="Load"/> does. I/O errors propagate as usual.</summary>
    public static IReadOnlyList<Certificate> LoadFile(string path) => Load(File.ReadAllBytes(path));
}
