using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.Hsm;

/// <summary>DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of a public key read from a token, to issue or match certificates.</summary>
internal static class SubjectPublicKeyInfo
{
    /// <summary>RFC 8410 §4: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) key }.</summary>
    private static ReadOnlySpan<byte> Ed25519Prefix => [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00];

    public static byte[] Ec(EcCurve curve, ReadOnlySpan<byte> uncompressedPoint)
    {
        int n = curve == EcCurve.P256 ? 32 : 48;
        if (uncompressedPoint.Length != 1 + 2 * n || uncompressedPoint[0] != 0x04)
            throw new HsmException("the EC public key is not an uncompressed point (SEC 1 §2.3.3)");
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = curve == EcCurve.P256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384,
            Q = new ECPoint { X = uncompressedPoint[1..(1 + n)].ToArray(), Y = uncompressedPoint[(1 + n)..].ToArray() },
        });
        return key.ExportSubjectPublicKeyInfo();
    }

    public static byte[] Rsa(byte[] modulus, byte[] exponent)
    {
        using var key = RSA.Create(new RSAParameters { Modulus = TrimLeadingZeros(modulus), Exponent = TrimLeadingZeros(exponent) });
        return key.ExportSubjectPublicKeyInfo();
    }

    public static byte[] Ed25519(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 32) throw new HsmException("the Ed25519 public key is not 32 bytes (RFC 8032 §5.1.5)");
        return [.. Ed25519Prefix, .. publicKey];
    }

    private static byte[] TrimLeadingZeros(byte[] b)
    {
        int i = 0;
        while (i < b.Length - 1 && b[i] == 0) i++;
        return b[i..];
    }
}
