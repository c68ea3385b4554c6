using System.Net.Security;
using BenchmarkDotNet.Attributes;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// A full mutual-TLS 1.3 handshake, client and server in one thread over an in-memory transport: X25519,
/// TLS_AES_128_GCM_SHA256, ECDSA P-256 leaves under one CA, each side validating the other's chain. Every iteration
/// creates both endpoints, handshakes and disposes them. The mean is CPU time per handshake pair (nothing waits).
/// </summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    private readonly EngineLink _ours = new();
    private TlsClientOptions _clientCold = null!;
    private TlsServerOptions _serverCold = null!;
    private TlsClientOptions _clientCached = null!;
    private TlsServerOptions _serverCached = null!;
    private SslStreamLink _ssl = null!;
    private SslServerAuthenticationOptions _sslServer = null!;
    private SslClientAuthenticationOptions _sslClient = null!;
    private SslServerAuthenticationOptions _sslServerDefault = null!;
    private SslClientAuthenticationOptions _sslClientDefault = null!;
    private BouncyCastleLink _bc = null!;
    private TlsServerOptions _serverOnly = null!;
    private byte[] _clientHello = [];
    private readonly Wire _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        var pki = BenchPki.Shared;
        _clientCold = EngineLink.ClientOptions(pki, chainCache: false);
        _serverCold = EngineLink.ServerOptions(pki, chainCache: false);
        _clientCached = EngineLink.ClientOptions(pki, chainCache: true);
        _serverCached = EngineLink.ServerOptions(pki, chainCache: true);
        _ssl = new SslStreamLink();
        _sslServer = SslStreamLink.ServerOptions(pki);
        _sslClient = SslStreamLink.ClientOptions(pki);
        _sslServerDefault = SslStreamLink.ServerOptions(pki, aes128Only: false);
        _sslClientDefault = SslStreamLink.ClientOptions(pki, aes128Only: false);
        _bc = new BouncyCastleLink(pki);
        _serverOnly = EngineLink.ServerOptions(pki, chainCache: false);
        // One client's first flight, replayed to a fresh server each time.
        using (var client = TlsConnection.CreateClient(_clientCold))
        {
            var w = new Wire();
            client.Start(w);
            _clientHello = w.PendingSpan.ToArray();
        }
        Warmup.Once("ours.pair", OursPair, 1.0);
        Warmup.Once("ours.pair.cached", OursPairCachedChains, 0.3);
        Warmup.Once("ours.firstflight", OursServerFirstFlight, 0.2);
        Warmup.Once("sslstream.pair", SslStreamPair, 1.0);
        Warmup.Once("sslstream.pair.default", SslStreamPairDefaultSuites, 0.3);
        Warmup.Once("bouncycastle.pair", BouncyCastlePair, 1.0);
    }

    /// <summary>Ours, no validated-chain cache: both chains validated from scratch (2 chain signatures + 2 CertificateVerify).</summary>
    [Benchmark]
    public void OursPair()
    {
        _ours.Handshake(_clientCold, _serverCold);
        _ours.Dispose();
    }

    /// <summary>Ours with the default validated-chain cache (a fleet's clients seen before): chain signatures skipped.</summary>
    [Benchmark]
    public void OursPairCachedChains()
    {
        _ours.Handshake(_clientCached, _serverCached);
        _ours.Dispose();
    }

    /// <summary>
    /// Our server alone from a ClientHello to its first flight (ServerHello … Finished): X25519 key generation and
    /// derivation, the key schedule, one ECDSA signature. Replays the same recorded ClientHello to a fresh server.
    /// </summary>
    [Benchmark]
    public void OursServerFirstFlight()
    {
        using var server = TlsConnection.CreateServer(_serverOnly);
        _sink.Clear();
        server.Process(_clientHello, _sink, _sink, out _);
    }

    /// <summary>Two SslStreams (OpenSSL underneath), X509Chain with CustomRootTrust on each side.</summary>
    [Benchmark]
    public void SslStreamPair()
    {
        _ssl.Handshake(_sslServer, _sslClient);
        _ssl.Close();
    }

    /// <summary>
    /// SslStream without a CipherSuitesPolicy (OpenSSL's default order, so TLS_AES_256_GCM_SHA384): the configuration in
    /// which SslStream caches its OpenSSL context. Shown to separate the cost of the policy from the handshake.
    /// </summary>
    [Benchmark]
    public void SslStreamPairDefaultSuites()
    {
        _ssl.Handshake(_sslServerDefault, _sslClientDefault);
        _ssl.Close();
    }

    /// <summary>BouncyCastle's TlsServerProtocol and TlsClientProtocol in non-blocking mode.</summary>
    [Benchmark]
    public void BouncyCastlePair()
    {
        _bc.Handshake();
        _bc.Close();
    }
}
