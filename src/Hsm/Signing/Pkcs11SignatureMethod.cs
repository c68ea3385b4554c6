using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using TlsEngine.Crypto;

namespace TlsEngine.Hsm;

/// <summary>
/// How one TLS signature scheme is made with a PKCS#11 mechanism: what goes into C_Sign and how its output becomes the
/// TLS signature.
/// </summary>
internal sealed class Pkcs11SignatureMethod
{
    private readonly Pkcs11KeyAlgorithm _key;
    private readonly HashAlgorithmName _hash;

    public Pkcs11SignatureMethod(SignatureScheme scheme, Pkcs11KeyAlgorithm key)
    {
        Scheme = scheme;
        _key = key;
        _hash = key.Kind == Pkcs11KeyKind.Ed25519 ? default : SignatureSchemes.ToAlgorithm(scheme).Hash;
    }

    public SignatureScheme Scheme { get; }

    /// <summary>
    /// CKM_ECDSA and CKM_RSA_PKCS_PSS sign a digest computed here (PKCS#11 v2.40 mechanisms §2.3.1 and §2.1.10);
    /// CKM_EDDSA signs the message itself (v3.0 mechanisms §2.3.14).
    /// </summary>
    public byte[] Input(ReadOnlySpan<byte> content)
    {
        if (_key.Kind == Pkcs11KeyKind.Ed25519) return content.ToArray();
        if (_hash == HashAlgorithmName.SHA256) return SHA256.HashData(content);
        if (_hash == HashAlgorithmName.SHA384) return SHA384.HashData(content);
        return SHA512.HashData(content);
    }

    /// <summary>
    /// The mechanism for C_SignInit. For RSA-PSS, CK_RSA_PKCS_PSS_PARAMS name the scheme's hash, MGF1 with the same hash,
    /// and a salt as long as the hash (RFC 8446 §4.2.3).
    /// </summary>
    public IMechanism Create(Pkcs11InteropFactories f)
    {
        if (_key.Kind != Pkcs11KeyKind.Rsa) return f.MechanismFactory.Create(_key.Mechanism);
        var (hash, mgf, length) = _hash.Name switch
        {
            "SHA256" => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32UL),
            "SHA384" => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384, 48UL),
            _ => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512, 64UL),
        };
        var pss = f.MechanismParamsFactory.CreateCkRsaPkcsPssParams(ConvertUtils.UInt64FromCKM(hash), ConvertUtils.UInt64FromCKG(mgf), length);
        return f.MechanismFactory.Create(CKM.CKM_RSA_PKCS_PSS, pss);
    }

    /// <summary>Checks the token's output length and, for ECDSA, converts r‖s to DER.</summary>
    /// <exception cref="SigningException">The output has the wrong length for the key.</exception>
    public byte[] Finish(byte[] raw)
    {
        switch (_key.Kind)
        {
            case Pkcs11KeyKind.Ecdsa:
                return EcdsaSignatureEncoding.RawToDer(raw, _key.EcScalarLength);
            case Pkcs11KeyKind.Ed25519 when raw.Length != 64:
                throw new SigningException($"the token returned a {raw.Length}-byte Ed25519 signature; expected 64 bytes");
            case Pkcs11KeyKind.Rsa when raw.Length != (_key.SizeBits + 7) / 8:
                throw new SigningException($"the token returned a {raw.Length}-byte RSA signature for a {_key.SizeBits}-bit key");
            default:
                return raw;
        }
    }
}
