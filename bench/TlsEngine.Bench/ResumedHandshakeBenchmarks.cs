using System.Net.Security;
using BenchmarkDotNet.Attributes;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// A resumed mutual-TLS 1.3 handshake (PSK with X25519 (EC)DHE, RFC 8446 §2.2): the client offers the ticket issued
/// by the previous connection, the server opens it, checks binder and age, re-validates the stored client chain
/// (a validated-chain cache hit), and issues a new ticket that the client stores. No certificate is sent or signed.
/// </summary>
/// <remarks>
/// BouncyCastle's TLS 1.3 has no resumption (its server issues no NewSessionTicket and its client discards them):
/// no case. SslStream resumes on Linux only without a CipherSuitesPolicy, so its case runs OpenSSL's default suite
/// (TLS_AES_256_GCM_SHA384) and, to keep its session cacheable, a one-byte exchange (the client reads the tickets)
/// and close_notify both ways.
/// </remarks>
[MemoryDiagnoser]
public class ResumedHandshakeBenchmarks
{
    private readonly EngineLink _ours = new();
    private TlsClientOptions _client = null!;
    private TlsServerOptions _server = null!;
    private SslStreamLink _ssl = null!;
    private SslServerAuthenticationOptions _sslServer = null!;
    private SslClientAuthenticationOptions _sslClient = null!;
    private readonly byte[] _scratch = new byte[16];

    [GlobalSetup]
    public void Setup()
    {
        var pki = BenchPki.Shared;
        _client = EngineLink.ClientOptions(pki, chainCache: true, new LatestTicketStore());
        _server = EngineLink.ServerOptions(pki, chainCache: true, SessionTicketKeys.CreateRandom());
        _ours.Handshake(_client, _server);
        if (_ours.Client.Resumed) throw new InvalidOperationException("the first handshake cannot be resumed");
        _ours.Dispose();
        OursResumed();
        _ours.Handshake(_client, _server);
        if (!_ours.Client.Resumed || !_ours.Server.Resumed) throw new InvalidOperationException("our handshake did not resume");
        _ours.Dispose();

        _ssl = new SslStreamLink();
        _sslServer = SslStreamLink.ServerOptions(pki, aes128Only: false);
        _sslClient = SslStreamLink.ClientOptions(pki, aes128Only: false);
        SslStreamResumed();
        _ssl.Handshake(_sslServer, _sslClient);
        int sent = _ssl.ServerFirstFlight;
        _ssl.ExchangeTicketsAndShutdown(_scratch);
        _ssl.Close();
        // A full first flight carries the server certificate (about 850 bytes); a resumed one is ServerHello,
        // EncryptedExtensions and Finished (about 240).
        if (sent > 400) throw new InvalidOperationException($"SslStream did not resume (the server sent {sent} bytes)");
        WarmUp();
    }

    private void WarmUp()
    {
        Warmup.Once("ours.resumed", OursResumed, 0.6);
        Warmup.Once("sslstream.resumed", SslStreamResumed, 0.6);
    }

    [Benchmark]
    public void OursResumed()
    {
        _ours.Handshake(_client, _server);
        _ours.Dispose();
    }

    [Benchmark]
    public void SslStreamResumed()
    {
        _ssl.Handshake(_sslServer, _sslClient);
        _ssl.ExchangeTicketsAndShutdown(_scratch);
        _ssl.Close();
    }
}
