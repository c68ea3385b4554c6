using System.Globalization;
using System.Text.RegularExpressions;
using TlsEngine.Crypto;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>What openssl s_client / s_server print about a connection, parsed from their normal (non-trace) output.</summary>
public sealed partial class OpenSslOutput(string text)
{
    public string Text { get; } = text;

    /// <summary>s_client: "New, TLSv1.3, Cipher is X"; s_server: "CIPHER is X".</summary>
    public string? Cipher => Match(CipherLine(), 1);

    public CipherSuite? CipherSuite =>
        Cipher is { } c && Crypto.CipherSuites.TryParse(c, out var s) ? s : null;

    /// <summary>s_client: "Server Temp Key: X25519, 253 bits" or "Server Temp Key: ECDH, secp384r1, 384 bits".</summary>
    public string? ServerTempKey => Match(TempKeyLine(), 1);

    public NamedGroup? ServerTempKeyGroup => ServerTempKey switch
    {
        null => null,
        var t when t.StartsWith("X25519", StringComparison.Ordinal) => NamedGroup.X25519,
        var t when t.Contains("prime256v1", StringComparison.Ordinal) || t.Contains("secp256r1", StringComparison.Ordinal) => NamedGroup.Secp256r1,
        var t when t.Contains("secp384r1", StringComparison.Ordinal) => NamedGroup.Secp384r1,
        _ => null,
    };

    /// <summary>"Peer signature type: ECDSA" (the peer's CertificateVerify), lower-cased.</summary>
    public string? PeerSignatureType => Match(PeerSigTypeLine(), 1)?.ToLowerInvariant();

    /// <summary>"Peer signing digest: SHA256", or null (Ed25519 has none).</summary>
    public string? PeerSigningDigest => Match(PeerDigestLine(), 1);

    /// <summary>s_client's summary of the server chain verification.</summary>
    public bool VerificationOk => Text.Contains("Verification: OK", StringComparison.Ordinal);

    public bool VerifyReturnCodeZero => Text.Contains("Verify return code: 0 (ok)", StringComparison.Ordinal);

    /// <summary>The alerts openssl reports ("SSL alert number 116"), received from the peer.</summary>
    public IReadOnlyList<int> AlertNumbers =>
        AlertNumberLine().Matches(Text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The keying material printed for -keymatexport (RFC 8446 §7.5), upper-case hex, or null.</summary>
    public string? KeyingMaterial => Match(KeyingMaterialLine(), 1);

    /// <summary>The subject openssl printed for the peer certificate (s_server: "subject=CN = client-p256").</summary>
    public string? Subject => Match(SubjectLine(), 1);

    /// <summary>True if the peer's CertificateVerify, as openssl reports it, matches <paramref name="scheme"/>.</summary>
    public bool PeerSignatureMatches(SignatureScheme scheme)
    {
        var (type, digest) = Describe(scheme);
        return PeerSignatureType == type && PeerSigningDigest == digest;
    }

    /// <summary>How openssl 3.0 names a scheme in "Peer signature type" / "Peer signing digest".</summary>
    public static (string Type, string? Digest) Describe(SignatureScheme s) => s switch
    {
        SignatureScheme.EcdsaSecp256r1Sha256 => ("ecdsa", "SHA256"),
        SignatureScheme.EcdsaSecp384r1Sha384 => ("ecdsa", "SHA384"),
        SignatureScheme.RsaPssRsaeSha256 or SignatureScheme.RsaPssPssSha256 => ("rsa-pss", "SHA256"),
        SignatureScheme.RsaPssRsaeSha384 or SignatureScheme.RsaPssPssSha384 => ("rsa-pss", "SHA384"),
        SignatureScheme.RsaPssRsaeSha512 or SignatureScheme.RsaPssPssSha512 => ("rsa-pss", "SHA512"),
        SignatureScheme.Ed25519 => ("ed25519", null),
        _ => ($"0x{(ushort)s:x4}", null),
    };

    private string? Match(Regex r, int group)
    {
        var m = r.Match(Text);
        return m.Success ? m.Groups[group].Value.Trim() : null;
    }

    [GeneratedRegex(@"(?:Cipher is|CIPHER is) (\S+)")]
    private static partial Regex CipherLine();

    [GeneratedRegex(@"Server Temp Key: ([^\r\n]+)")]
    private static partial Regex TempKeyLine();

    [GeneratedRegex(@"Peer signature type: (\S+)")]
    private static partial Regex PeerSigTypeLine();

    [GeneratedRegex(@"Peer signing digest: (\S+)")]
    private static partial Regex PeerDigestLine();

    [GeneratedRegex(@"SSL alert number (\d+)")]
    private static partial Regex AlertNumberLine();

    [GeneratedRegex(@"Keying material: ([0-9A-F]+)")]
    private static partial Regex KeyingMaterialLine();

    [GeneratedRegex(@"(?m)^subject=([^\r\n]+)")]
    private static partial Regex SubjectLine();
}
