using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.KeySchedule;

/// <summary>HKDF-Expand-Label (RFC 8446 §7.1); Derive-Secret is <see cref="TlsKeySchedule.Derive(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</summary>
internal static class HkdfLabel
{
    private static ReadOnlySpan<byte> Prefix => "tls13 "u8;

    /// <summary>
    /// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length) where HkdfLabel is
    /// uint16 length, opaque label&lt;7..255&gt; = "tls13 " + Label, opaque context&lt;0..255&gt;.
    /// </summary>
    public static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        Span<byte> info = stackalloc byte[InfoLength(label, context)];
        WriteInfo(info, label, context, output.Length);
        Hkdf.Expand(hash, secret, output, info);
    }

    /// <summary>HKDF-Expand-Label with the secret already keyed for HMAC, for several labels from one secret.</summary>
    public static void Expand(in HmacKey secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        Span<byte> info = stackalloc byte[InfoLength(label, context)];
        WriteInfo(info, label, context, output.Length);
        Hkdf.Expand(in secret, output, info);
    }

    // The HkdfLabel structure is sized to its fields (a stack buffer is zeroed whole).
    private static int InfoLength(ReadOnlySpan<byte> label, ReadOnlySpan<byte> context)
    {
        if (Prefix.Length + label.Length > 255 || context.Length > 255)
            throw new ArgumentException("HkdfLabel fields exceed their lengths (label<7..255>, context<0..255>)");
        return 2 + 1 + Prefix.Length + label.Length + 1 + context.Length;
    }

    private static void WriteInfo(Span<byte> info, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int length)
    {
        if (length > ushort.MaxValue) throw new ArgumentException("HkdfLabel length is a uint16");
        int n = 0;
        info[n++] = (byte)(length >> 8);
        info[n++] = (byte)length;
        info[n++] = (byte)(Prefix.Length + label.Length);
        Prefix.CopyTo(info[n..]);
        n += Prefix.Length;
        label.CopyTo(info[n..]);
        n += label.Length;
        info[n++] = (byte)context.Length;
        context.CopyTo(info[n..]);
    }

    public static byte[] Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int length)
    {
        var output = new byte[length];
        Expand(hash, secret, label, context, output);
        return output;
    }
}
