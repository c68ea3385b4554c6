using TlsEngine.Crypto;
using TlsEngine.Fuzz.Support;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// CertificateVerify as the engine checks it: the first byte picks the peer's leaf (Ed25519, P-256, P-384, RSA,
/// RSA-PSS) and the role; the rest is the message body, verified over a fixed transcript hash.
/// </summary>
public static class CertificateVerifyTarget
{
    private static readonly Lazy<Certificate[]> s_leaves = new(() =>
        new[] { "server-ed25519.pem", "server-p256.pem", "server-p384.pem", "server-rsa.pem", "server-rsapss.pem" }.Select(FuzzPki.Cert).ToArray());

    private static readonly byte[] s_transcriptHash = new byte[32];

    public static void Run(byte[] input)
    {
        if (input.Length == 0) return;
        var leaf = s_leaves.Value[(input[0] & 0x7F) % s_leaves.Value.Length];
        try
        {
            CertificateAuthentication.VerifyCertificateVerify(input.AsSpan(1), leaf, [.. SignatureSchemes.Supported],
                peerIsServer: input[0] < 0x80, s_transcriptHash);
        }
        catch (TlsAlertException)
        {
        }
    }
}
