using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.KeySchedule;

/// <summary>HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1).</summary>
internal static class HkdfLabel
{
    private static ReadOnlySpan<byte> Prefix => "tls13 "u8;

    /// <summary>
    /// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length) where HkdfLabel is
    /// uint16 length, opaque label&lt;7..255&gt; = "tls13 " + Label, opaque context&lt;0..255&gt;.
    /// </summary>
    public static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        Span<byte> info = stackalloc byte[2 + 1 + 6 + 255 + 1 + 255];
        int n = 0;
        info[n++] = (byte)(output.Length >> 8);
        info[n++] = (byte)output.Length;
        info[n++] = (byte)(Prefix.Length + label.Length);
        Prefix.CopyTo(info[n..]);
        n += Prefix.Length;
        label.CopyTo(info[n..]);
        n += label.Length;
        info[n++] = (byte)context.Length;
        context.CopyTo(info[n..]);
        n += context.Length;
        Hkdf.Expand(hash, secret, output, info[..n]);
    }

    public static byte[] Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int length)
    {
        var output = new byte[length];
        Expand(hash, secret, label, context, output);
        return output;
    }

    /// <summary>Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length).</summary>
    public static byte[] DeriveSecret(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> transcriptHash) =>
        Expand(hash, secret, label, transcriptHash, transcriptHash.Length);
}
