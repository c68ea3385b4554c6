using TlsEngine.Crypto;

namespace TlsEngine.Hsm;

/// <summary>
/// CKM_ECDSA returns r‖s, each as long as the curve order (PKCS#11 v2.40 mechanisms §2.3.1, IEEE 1363); TLS carries
/// the DER <c>Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }</c> (RFC 8446 §4.2.3, RFC 3279 §2.2.3).
/// </summary>
public static class EcdsaSignatureEncoding
{
    /// <summary>Converts a raw r‖s signature of a curve with <paramref name="fieldSize"/>-byte scalars to DER.</summary>
    /// <exception cref="SigningException">The raw signature is not 2 × <paramref name="fieldSize"/> bytes.</exception>
    public static byte[] RawToDer(ReadOnlySpan<byte> raw, int fieldSize)
    {
        if (fieldSize <= 0 || raw.Length != 2 * fieldSize)
            throw new SigningException($"the token returned a {raw.Length}-byte ECDSA signature; expected {2 * fieldSize} bytes (r‖s)");
        var r = Integer(raw[..fieldSize]);
        var s = Integer(raw[fieldSize..]);
        int contentLength = r.Length + s.Length;
        var header = Header(0x30, contentLength);
        var der = new byte[header.Length + contentLength];
        header.CopyTo(der, 0);
        r.CopyTo(der, header.Length);
        s.CopyTo(der, header.Length + r.Length);
        return der;
    }

    /// <summary>
    /// A DER INTEGER of an unsigned big-endian value (X.690 §8.3): leading zero bytes removed (minimal encoding, at least one
    /// byte), and one 0x00 added when the first remaining byte has its high bit set, so the value stays positive.
    /// </summary>
    private static byte[] Integer(ReadOnlySpan<byte> unsigned)
    {
        int start = 0;
        while (start < unsigned.Length - 1 && unsigned[start] == 0) start++;
        var magnitude = unsigned[start..];
        bool pad = (magnitude[0] & 0x80) != 0;
        int length = magnitude.Length + (pad ? 1 : 0);
        var header = Header(0x02, length);
        var result = new byte[header.Length + length];
        header.CopyTo(result, 0);
        magnitude.CopyTo(result.AsSpan(header.Length + (pad ? 1 : 0)));
        return result;
    }

    /// <summary>Tag and definite length (X.690 §8.1.3: short form below 128, else long form).</summary>
    private static byte[] Header(byte tag, int length)
    {
        if (length < 0x80) return [tag, (byte)length];
        if (length <= 0xFF) return [tag, 0x81, (byte)length];
        return [tag, 0x82, (byte)(length >> 8), (byte)length];
    }
}
