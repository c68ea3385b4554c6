using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Support;

/// <summary>The fuzzing PKI (fuzz/pki), embedded so the harnesses need no files at run time. Loaded once per process.</summary>
public static class FuzzPki
{
    /// <summary>The fixed clock of every harness: inside the validity of every fuzz/pki certificate.</summary>
    public static readonly DateTimeOffset Now = new(2027, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static byte[] Bytes(string name)
    {
        using var s = typeof(FuzzPki).Assembly.GetManifestResourceStream("pki/" + name)
            ?? throw new InvalidOperationException($"fuzz PKI file {name} is not embedded");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    public static IReadOnlyList<Certificate> Certificates(string name) => CertificateLoader.Load(Bytes(name));

    public static Certificate Cert(string name) => Certificates(name)[0];

    public static TlsCertificate Identity(string name) =>
        new(Certificates(name + ".pem"), PrivateKeyLoader.Load(Bytes(name + ".key")));

    private static readonly Lazy<TrustStore> s_anchors = new(() => new TrustStore(
        new[] { "ca-ed25519.pem", "ca-p256.pem", "ca-p384.pem", "ca-rsa.pem" }.Select(Cert)));

    /// <summary>The four CAs of fuzz/pki (not the untrusted one).</summary>
    public static TrustStore Anchors => s_anchors.Value;
}
