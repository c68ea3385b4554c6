namespace TlsEngine.Crypto;

/// <summary>
/// The DER ECDSA-Sig-Value of a P-256 signature, SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3, X.690 §8.3 and
/// §10.1): definite short-form lengths, minimal two's-complement integers, nothing after the sequence. Anything else
/// is refused, as libcrypto refuses it.
/// </summary>
internal static class EcdsaSignatureDer
{
    public static bool TryParse(ReadOnlySpan<byte> der, out U256 r, out U256 s)
    {
        r = s = default;
        // The content of a P-256 signature is at most 70 bytes, so its length has the short form (X.690 §10.1).
        if (der.Length < 2 || der[0] != 0x30 || der[1] >= 0x80 || der[1] != der.Length - 2)
            return false;
        var rest = der[2..];
        return TryReadInteger(ref rest, out r) && TryReadInteger(ref rest, out s) && rest.IsEmpty;
    }

    /// <summary>A non-negative INTEGER of at most 256 bits, minimally encoded (X.690 §8.3.2).</summary>
    private static bool TryReadInteger(ref ReadOnlySpan<byte> input, out U256 value)
    {
        value = default;
        if (input.Length < 3 || input[0] != 0x02 || input[1] == 0 || input[1] >= 0x80 || input[1] > input.Length - 2)
            return false;
        var content = input.Slice(2, input[1]);
        input = input[(2 + content.Length)..];
        if ((content[0] & 0x80) != 0)
            return false; // negative
        if (content[0] == 0 && content.Length > 1)
        {
            if ((content[1] & 0x80) == 0)
                return false; // a leading zero that is not needed
            content = content[1..];
        }
        if (content.Length > 32)
            return false;
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        content.CopyTo(padded[(32 - content.Length)..]);
        value = U256.FromBigEndian(padded);
        return true;
    }
}
