using System.Security.Cryptography;
using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine;

/// <summary>
/// This endpoint's certificate chain (leaf first, then intermediates) and the private key of the leaf.
/// Construction checks that the key belongs to the leaf certificate.
/// </summary>
public sealed class TlsCertificate
{
    public TlsCertificate(IReadOnlyList<Certificate> chain, ISigningKey key)
    {
        if (chain.Count == 0)
            throw new ArgumentException("the certificate chain is empty", nameof(chain));
        Chain = chain;
        Key = key;
        CheckKeyMatchesLeaf();
    }

    /// <summary>The chain sent to the peer, leaf first.</summary>
    public IReadOnlyList<Certificate> Chain { get; }

    /// <summary>The leaf's private key.</summary>
    public ISigningKey Key { get; }

    public Certificate Leaf => Chain[0];

    /// <summary>Loads a PEM (or DER) certificate chain file and a private key file (PEM/DER PKCS#8, encrypted PKCS#8, SEC 1, PKCS#1).</summary>
    public static TlsCertificate LoadPem(string certificatePath, string keyPath, string? keyPassword = null) =>
        new(CertificateLoader.LoadFile(certificatePath), PrivateKeyLoader.LoadFile(keyPath, keyPassword));

    /// <summary>Loads a chain file and an already constructed key (for example a PKCS#11 key).</summary>
    public static TlsCertificate Load(string certificatePath, ISigningKey key) => new(CertificateLoader.LoadFile(certificatePath), key);

    /// <summary>Loads a PKCS#12 (.p12/.pfx) file holding the key and its chain.</summary>
    public static TlsCertificate LoadPkcs12(string path, string? password)
    {
        var (key, chain) = PrivateKeyLoader.LoadPkcs12(File.ReadAllBytes(path), password);
        return new TlsCertificate(chain.Select(c => Certificate.Parse(c)).ToList(), key);
    }

    private void CheckKeyMatchesLeaf()
    {
        var leafKey = Leaf.PublicKey;
        SignatureScheme? usable = null;
        foreach (var s in Key.Schemes)
        {
            if (leafKey.IsCompatible(s))
            {
                usable = s;
                break;
            }
        }
        if (usable is not { } scheme)
            throw new CryptographicException($"the private key ({string.Join(", ", Key.Schemes.Select(SignatureSchemes.Name))}) cannot sign for the certificate's {leafKey.Type} key");
        ReadOnlySpan<byte> probe = "TlsEngine key/certificate match check"u8;
        var sig = Key.Sign(scheme, probe);
        if (!leafKey.Verify(SignatureSchemes.ToAlgorithm(scheme), probe, sig))
            throw new CryptographicException($"the private key does not belong to the certificate '{Leaf.Subject}'");
    }
}
