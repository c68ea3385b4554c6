using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace TlsEngine.Crypto;

/// <summary>An RSA public key (RFC 8017). PSS with salt = hash length and PKCS#1 v1.5 use the BCL; other PSS salt lengths BouncyCastle.</summary>
internal sealed class RsaPublicKey : PublicKey
{
    private readonly RSA _key;
    private readonly bool _pssOnly;
    private readonly byte[] _modulus;
    private readonly byte[] _exponent;

    public RsaPublicKey(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, bool pssOnly)
    {
        modulus = TrimLeadingZeros(modulus);
        exponent = TrimLeadingZeros(exponent);
        if (modulus.Length < 64 || exponent.Length == 0)
            throw new CryptographicException("RSA key is too small or malformed");
        _modulus = modulus.ToArray();
        _exponent = exponent.ToArray();
        _key = RSA.Create(new RSAParameters { Modulus = _modulus, Exponent = _exponent });
        _pssOnly = pssOnly;
    }

    public override PublicKeyType Type => _pssOnly ? PublicKeyType.RsaPss : PublicKeyType.Rsa;
    public override int KeySizeBits => _key.KeySize;

    public override bool Verify(SignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            switch (algorithm.Kind)
            {
                case SignatureKind.RsaPkcs1 when !_pssOnly:
                    return _key.VerifyData(data, signature, algorithm.Hash, RSASignaturePadding.Pkcs1);
                case SignatureKind.RsaPss when algorithm.SaltLength == HashLength(algorithm.Hash):
                    return _key.VerifyData(data, signature, algorithm.Hash, RSASignaturePadding.Pss);
                case SignatureKind.RsaPss:
                    return VerifyPssAnySalt(algorithm, data, signature);
                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private bool VerifyPssAnySalt(SignatureAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var digest = CreateDigest(algorithm.Hash);
        if (digest is null || algorithm.SaltLength < 0)
            return false;
        var signer = new PssSigner(new RsaBlindedEngine(), digest, CreateDigest(algorithm.Hash), algorithm.SaltLength);
        signer.Init(false, new RsaKeyParameters(false, new BigInteger(1, _modulus), new BigInteger(1, _exponent)));
        signer.BlockUpdate(data);
        return signer.VerifySignature(signature.ToArray());
    }

    private static Org.BouncyCastle.Crypto.IDigest? CreateDigest(HashAlgorithmName h) =>
        h == HashAlgorithmName.SHA256 ? new Sha256Digest() :
        h == HashAlgorithmName.SHA384 ? new Sha384Digest() :
        h == HashAlgorithmName.SHA512 ? new Sha512Digest() :
        h == HashAlgorithmName.SHA1 ? new Sha1Digest() : null;

    internal static int HashLength(HashAlgorithmName h) =>
        h == HashAlgorithmName.SHA256 ? 32 : h == HashAlgorithmName.SHA384 ? 48 : h == HashAlgorithmName.SHA512 ? 64 : h == HashAlgorithmName.SHA1 ? 20 : -1;

    private static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> v)
    {
        int i = 0;
        while (i < v.Length - 1 && v[i] == 0) i++;
        return v[i..];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _key.Dispose();
    }
}
