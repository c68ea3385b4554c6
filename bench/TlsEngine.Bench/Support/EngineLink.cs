using TlsEngine.Crypto;

namespace TlsEngine.Bench.Support;

/// <summary>
/// Two of our sans-IO connections joined in memory, the way tests/Handshake.Tests/Support/Loopback.cs does it but
/// without allocating in the harness: bytes one side transmits are fed to the other until both directions are quiet.
/// Optionally accumulates the thread CPU time spent inside each side's calls (for the server-only / client-only split).
/// </summary>
internal sealed class EngineLink : IDisposable
{
    public Wire ToServer { get; } = new();
    public Wire ToClient { get; } = new();
    public Wire ServerPlain { get; } = new();
    public Wire ClientPlain { get; } = new();
    public TlsConnection Client { get; private set; } = null!;
    public TlsConnection Server { get; private set; } = null!;

    /// <summary>When set, <see cref="ServerCpuNs"/> and <see cref="ClientCpuNs"/> accumulate the thread CPU time (ns) spent inside each side's calls.</summary>
    public bool Timed { get; set; }
    public long ServerCpuNs { get; set; }
    public long ClientCpuNs { get; set; }

    /// <summary>Creates both sides and runs the handshake to completion (including tickets the server sends after it).</summary>
    public void Handshake(TlsClientOptions client, TlsServerOptions server)
    {
        ToServer.Clear();
        ToClient.Clear();
        ServerPlain.Clear();
        ClientPlain.Clear();
        long t0 = Timed ? CpuClock.ThreadNow() : 0;
        Client = TlsConnection.CreateClient(client);
        Client.Start(ToServer);
        long t1 = Timed ? CpuClock.ThreadNow() : 0;
        Server = TlsConnection.CreateServer(server);
        if (Timed)
        {
            ClientCpuNs += t1 - t0;
            ServerCpuNs += CpuClock.ThreadNow() - t1;
        }
        Pump();
        if (!Client.IsHandshakeComplete || !Server.IsHandshakeComplete)
            throw new InvalidOperationException("the in-memory handshake did not complete");
    }

    /// <summary>Moves bytes back and forth until both directions are quiet.</summary>
    public void Pump()
    {
        for (int round = 0; round < 64 && (ToServer.Length > 0 || ToClient.Length > 0); round++)
        {
            if (ToServer.Length > 0)
            {
                long t = Timed ? CpuClock.ThreadNow() : 0;
                Server.Process(ToServer.Pending, ToClient, ServerPlain, out int n);
                ToServer.Consume(n);
                if (Timed) ServerCpuNs += CpuClock.ThreadNow() - t;
            }
            if (ToClient.Length > 0)
            {
                long t = Timed ? CpuClock.ThreadNow() : 0;
                Client.Process(ToClient.Pending, ToServer, ClientPlain, out int n);
                ToClient.Consume(n);
                if (Timed) ClientCpuNs += CpuClock.ThreadNow() - t;
            }
        }
    }

    /// <summary>Disposes both connections (which zeroes their secrets), as a server does when a connection ends.</summary>
    public void Dispose()
    {
        long t = Timed ? CpuClock.ThreadNow() : 0;
        Client?.Dispose();
        long t1 = Timed ? CpuClock.ThreadNow() : 0;
        Server?.Dispose();
        if (Timed)
        {
            ClientCpuNs += t1 - t;
            ServerCpuNs += CpuClock.ThreadNow() - t1;
        }
    }

    /// <summary>Client options for the benchmark profile: TLS_AES_128_GCM_SHA256, X25519, ecdsa_secp256r1_sha256 only.</summary>
    public static TlsClientOptions ClientOptions(BenchPki pki, bool chainCache, ISessionTicketStore? tickets = null) => new()
    {
        Certificate = pki.EngineClient,
        TrustAnchors = pki.Anchors,
        ServerName = BenchPki.ServerName,
        CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256],
        Groups = [NamedGroup.X25519],
        SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256],
        ValidatedChains = chainCache ? new X509.ValidatedChainCache() : null,
        SessionTickets = tickets,
    };

    /// <summary>Server options for the benchmark profile, client certificate required.</summary>
    public static TlsServerOptions ServerOptions(BenchPki pki, bool chainCache, SessionTicketKeys? tickets = null) => new()
    {
        Certificate = pki.EngineServer,
        TrustAnchors = pki.Anchors,
        ClientAuthentication = ClientAuthenticationMode.Required,
        CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256],
        Groups = [NamedGroup.X25519],
        SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256],
        ValidatedChains = chainCache ? new X509.ValidatedChainCache() : null,
        SessionTicketKeys = tickets,
    };
}

/// <summary>
/// A client ticket store that always offers the newest ticket it was given, without using it up: each resumed
/// handshake presents the ticket issued by the previous one (the server accepts a stateless ticket more than once;
/// there is no 0-RTT, so no anti-replay state).
/// </summary>
internal sealed class LatestTicketStore : ISessionTicketStore
{
    private volatile ClientSessionTicket? _latest;

    public int Received { get; private set; }

    public void Add(ClientSessionTicket ticket)
    {
        _latest = ticket;
        Received++;
    }

    public ClientSessionTicket? Take(string serverName, DateTimeOffset now) => _latest;
}
