using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using TlsEngine.Bench.Support;
using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine.Bench;

/// <summary>
/// The public-key floor of one mutual-TLS handshake pair, done directly with the primitives the engine uses and no
/// TLS around them: 2 X25519 key-share generations and 2 derivations (<c>CryptoProvider.Default</c>: the public key by
/// the engine's fixed-base multiplication, the shared secret by libcrypto when present), 2 ECDSA P-256 signatures (<c>EcdsaSigningKey</c>), 1 import of each peer's leaf key
/// (<c>PublicKey.CreateEc</c>), and 4 verifications: each leaf's certificate signature with the (already imported) CA
/// key — a busy key, so through its precomputed table (<c>P256VerificationTable</c>) once the warm-up has built it, as in
/// the handshakes — and each CertificateVerify with the leaf key just imported (libcrypto). Also each operation alone.
/// </summary>
[MemoryDiagnoser]
public class FloorBenchmarks
{
    private static readonly SignatureAlgorithm EcdsaSha256 = SignatureSchemes.ToAlgorithm(SignatureScheme.EcdsaSecp256r1Sha256);
    private const SignatureScheme Scheme = SignatureScheme.EcdsaSecp256r1Sha256;

    private ISigningKey _serverSigner = null!;
    private ISigningKey _clientSigner = null!;
    private PublicKey _caKey = null!;
    private byte[] _serverPoint = [];
    private byte[] _clientPoint = [];
    private Certificate _serverLeaf = null!;
    private Certificate _clientLeaf = null!;
    private byte[] _content = [];
    private byte[] _serverSignature = [];
    private byte[] _clientSignature = [];
    private KeyShare _share = null!;
    private byte[] _peerShare = [];
    private PublicKey _serverKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        var pki = BenchPki.Shared;
        _serverSigner = pki.EngineServer.Key;
        _clientSigner = pki.EngineClient.Key;
        _caKey = pki.Anchors.Anchors[0].PublicKey;
        _serverLeaf = pki.EngineServer.Leaf;
        _clientLeaf = pki.EngineClient.Leaf;
        _serverPoint = Point(pki.ServerKey);
        _clientPoint = Point(pki.ClientKey);
        // What a CertificateVerify signs (RFC 8446 §4.4.3): 64 spaces, the context string, a zero byte, a SHA-256 hash.
        _content = [.. Enumerable.Repeat((byte)0x20, 64), .. "TLS 1.3, server CertificateVerify"u8, 0, .. RandomNumberGenerator.GetBytes(32)];
        _serverSignature = _serverSigner.Sign(Scheme, _content);
        _clientSignature = _clientSigner.Sign(Scheme, _content);
        _share = CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519);
        using (var peer = CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519)) _peerShare = peer.PublicKey.ToArray();
        _serverKey = PublicKey.CreateEc(EcCurve.P256, _serverPoint);
        if (!PublicKeyFloor()) throw new InvalidOperationException("a floor verification failed");
        // Busy keys get their verification tables on the thread pool after a few verifications: let them be built.
        for (int i = 0; i < 16; i++)
        {
            PublicKeyFloor();
            EcdsaVerify();
        }
        Thread.Sleep(500);
    }

    private static byte[] Point(ECDsa key)
    {
        var p = key.ExportParameters(false);
        return [0x04, .. p.Q.X!, .. p.Q.Y!];
    }

    /// <summary>All of one handshake pair's public-key operations.</summary>
    [Benchmark(Baseline = true)]
    public bool PublicKeyFloor()
    {
        using var client = CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519);
        using var server = CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519);
        server.DeriveSharedSecret(client.PublicKey);
        client.DeriveSharedSecret(server.PublicKey);
        _serverSigner.Sign(Scheme, _content);
        _clientSigner.Sign(Scheme, _content);
        using var serverLeafKey = PublicKey.CreateEc(EcCurve.P256, _serverPoint);
        using var clientLeafKey = PublicKey.CreateEc(EcCurve.P256, _clientPoint);
        bool ok = _caKey.Verify(EcdsaSha256, _serverLeaf.TbsCertificate.Span, _serverLeaf.Signature.Span);
        ok &= _caKey.Verify(EcdsaSha256, _clientLeaf.TbsCertificate.Span, _clientLeaf.Signature.Span);
        ok &= serverLeafKey.Verify(EcdsaSha256, _content, _serverSignature);
        ok &= clientLeafKey.Verify(EcdsaSha256, _content, _clientSignature);
        return ok;
    }

    [Benchmark]
    public void X25519KeyGen() => CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519).Dispose();

    [Benchmark]
    public int X25519Derive() => _share.DeriveSharedSecret(_peerShare).Length;

    [Benchmark]
    public int EcdsaSign() => _serverSigner.Sign(Scheme, _content).Length;

    /// <summary>A verification with a busy key (a trust anchor's, say): through the key's precomputed table.</summary>
    [Benchmark]
    public bool EcdsaVerify() => _serverKey.Verify(EcdsaSha256, _content, _serverSignature);

    /// <summary>A verification with a key just imported (a peer's leaf key): libcrypto.</summary>
    [Benchmark]
    public bool EcdsaVerifyNewKey()
    {
        using var key = PublicKey.CreateEc(EcCurve.P256, _serverPoint);
        return key.Verify(EcdsaSha256, _content, _serverSignature);
    }

    [Benchmark]
    public void EcKeyImport() => PublicKey.CreateEc(EcCurve.P256, _serverPoint).Dispose();
}
