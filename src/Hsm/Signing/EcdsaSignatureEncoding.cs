using System.Formats.Asn1;
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
        // The BCL's DER writer, as elsewhere in the project: minimal unsigned INTEGERs (X.690 §8.3), 0x00 added when
        // the high bit is set.
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteIntegerUnsigned(Minimal(raw[..fieldSize]));
            w.WriteIntegerUnsigned(Minimal(raw[fieldSize..]));
        }
        return w.Encode();
    }

    // The writer wants the value without redundant leading zero bytes (one byte at least).
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        int start = 0;
        while (start < value.Length - 1 && value[start] == 0) start++;
        return value[start..];
    }
}
