using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Pkcs;

namespace TlsEngine.Crypto;

/// <summary>
/// Loads software signing keys: PEM or DER PKCS#8 (RFC 5208/5958, also encrypted with PBES2), SEC 1 "EC PRIVATE KEY",
/// PKCS#1 "RSA PRIVATE KEY", and PKCS#12 files (key plus certificate chain). Algorithms: ECDSA P-256/P-384/P-521,
/// RSA (rsaEncryption and id-RSASSA-PSS), Ed25519 (RFC 8410). Errors are <see cref="CryptographicException"/>
/// with a message naming what was wrong; the message never includes key material or the password.
/// </summary>
public static class PrivateKeyLoader
{
    private const string OidEcPublicKey = "1.2.840.10045.2.1";
    private const string OidRsaEncryption = "1.2.840.113549.1.1.1";
    private const string OidRsassaPss = "1.2.840.113549.1.1.10";
    private const string OidEd25519 = "1.3.101.112";

    /// <summary>Loads a key from a PEM or DER file. <paramref name="password"/> is needed for encrypted PKCS#8.</summary>
    public static ISigningKey LoadFile(string path, string? password = null) => Load(File.ReadAllBytes(path), password);

    /// <summary>Loads the first private key found in PEM text or DER bytes.</summary>
    public static ISigningKey Load(ReadOnlySpan<byte> data, string? password = null)
    {
        if (!Pem.LooksLikePem(data))
            return FromDer(data);
        foreach (var block in Pem.Decode(data))
        {
            switch (block.Label)
            {
                case "PRIVATE KEY":
                    return FromPkcs8(block.Der);
                case "ENCRYPTED PRIVATE KEY":
                    if (password is null)
                        throw new CryptographicException("the private key is encrypted and no password was given");
                    return FromEncryptedPkcs8(block.Der, password);
                case "EC PRIVATE KEY":
                    var ec = ECDsa.Create();
                    ec.ImportECPrivateKey(block.Der, out _);
                    return new EcdsaSigningKey(ec);
                case "RSA PRIVATE KEY":
                    var rsa = RSA.Create();
                    rsa.ImportRSAPrivateKey(block.Der, out _);
                    return new RsaSigningKey(rsa);
            }
        }
        throw new CryptographicException("no private key block (PRIVATE KEY, ENCRYPTED PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY) found");
    }

    /// <summary>A DER key: PKCS#8, else SEC 1 ECPrivateKey, else PKCS#1 RSAPrivateKey (what <c>openssl pkey -outform DER</c> writes).</summary>
    private static ISigningKey FromDer(ReadOnlySpan<byte> der)
    {
        try
        {
            return FromPkcs8(der);
        }
        catch (CryptographicException pkcs8Error)
        {
            try
            {
                var ec = ECDsa.Create();
                ec.ImportECPrivateKey(der, out int read);
                if (read == der.Length) return new EcdsaSigningKey(ec);
            }
            catch (CryptographicException)
            {
            }
            try
            {
                var rsa = RSA.Create();
                rsa.ImportRSAPrivateKey(der, out int read);
                if (read == der.Length) return new RsaSigningKey(rsa);
            }
            catch (CryptographicException)
            {
            }
            throw new CryptographicException("the key is neither PEM nor a DER PKCS#8, SEC 1 or PKCS#1 private key", pkcs8Error);
        }
    }

    /// <summary>Decrypts an EncryptedPrivateKeyInfo (RFC 5958 §3) and loads the key inside.</summary>
    public static ISigningKey FromEncryptedPkcs8(ReadOnlySpan<byte> der, string password)
    {
        PrivateKeyInfo info;
        try
        {
            var enc = EncryptedPrivateKeyInfo.GetInstance(der.ToArray());
            info = PrivateKeyInfoFactory.CreatePrivateKeyInfo(password.ToCharArray(), enc);
        }
        catch (Exception e) when (e is not CryptographicException)
        {
            throw new CryptographicException("cannot decrypt the private key: wrong password or unsupported encryption");
        }
        var plain = info.GetEncoded();
        try
        {
            return FromPkcs8(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Loads an unencrypted PrivateKeyInfo / OneAsymmetricKey (RFC 5958 §2).</summary>
    public static ISigningKey FromPkcs8(ReadOnlySpan<byte> der)
    {
        string oid;
        byte[] privateKey;
        try
        {
            var seq = new AsnReader(der.ToArray(), AsnEncodingRules.DER).ReadSequence();
            seq.ReadInteger();
            var alg = seq.ReadSequence();
            oid = alg.ReadObjectIdentifier();
            privateKey = seq.ReadOctetString();
        }
        catch (AsnContentException)
        {
            throw new CryptographicException("the private key is not a DER PKCS#8 PrivateKeyInfo");
        }
        try
        {
            switch (oid)
            {
                case OidEcPublicKey:
                    var ec = ECDsa.Create();
                    ec.ImportPkcs8PrivateKey(der, out _);
                    return new EcdsaSigningKey(ec);
                case OidRsaEncryption:
                    var rsa = RSA.Create();
                    rsa.ImportPkcs8PrivateKey(der, out _);
                    return new RsaSigningKey(rsa);
                case OidRsassaPss:
                    var pss = RSA.Create();
                    pss.ImportRSAPrivateKey(privateKey, out _);
                    return new RsaSigningKey(pss, pssKey: true);
                case OidEd25519:
                    // CurvePrivateKey ::= OCTET STRING (RFC 8410 §7)
                    var seed = new AsnReader(privateKey, AsnEncodingRules.DER).ReadOctetString();
                    try
                    {
                        return new Ed25519SigningKey(seed);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(seed);
                    }
                default:
                    throw new CryptographicException($"private key algorithm {oid} is not supported (EC, RSA, RSA-PSS, Ed25519 are)");
            }
        }
        catch (AsnContentException)
        {
            throw new CryptographicException($"the private key of algorithm {oid} is malformed");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Loads the first key entry of a PKCS#12 file and its certificate chain (leaf first, DER).</summary>
    public static (ISigningKey Key, IReadOnlyList<byte[]> Chain) LoadPkcs12(ReadOnlySpan<byte> data, string? password)
    {
        Pkcs12Store store;
        try
        {
            store = new Pkcs12StoreBuilder().Build();
            using var ms = new MemoryStream(data.ToArray());
            store.Load(ms, (password ?? "").ToCharArray());
        }
        catch (Exception e) when (e is not CryptographicException)
        {
            throw new CryptographicException("cannot read the PKCS#12 file: wrong password or unsupported format");
        }
        foreach (var alias in store.Aliases)
        {
            if (!store.IsKeyEntry(alias))
                continue;
            var keyInfo = PrivateKeyInfoFactory.CreatePrivateKeyInfo(store.GetKey(alias).Key);
            var plain = keyInfo.GetEncoded();
            try
            {
                var key = FromPkcs8(plain);
                var chain = store.GetCertificateChain(alias)?.Select(c => c.Certificate.GetEncoded()).ToList()
                    ?? [store.GetCertificate(alias).Certificate.GetEncoded()];
                return (key, chain);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }
        throw new CryptographicException("the PKCS#12 file holds no private key");
    }
}
