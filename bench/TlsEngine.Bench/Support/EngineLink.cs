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

    /// <summary>
    /// When <see cref="Timed"/>, CPU time and managed bytes allocated by each step of a handshake, in order: client
    /// create + Start, then each Process call (server, client, server, …), then Dispose (last slot).
    /// </summary>
    public long[] StepCpuNs { get; } = new long[MaxSteps];
    public long[] StepBytes { get; } = new long[MaxSteps];
    public string[] StepSide { get; } = new string[MaxSteps];
    public const int MaxSteps = 12;
    private int _step;
    private long _stepCpu;
    private long _stepBytes;

    private void BeginStep()
    {
        _stepBytes = GC.GetAllocatedBytesForCurrentThread();
        _stepCpu = CpuClock.ThreadNow();
    }

    private long EndStep(string side, bool last = false)
    {
        long cpu = CpuClock.ThreadNow() - _stepCpu;
        int i = last ? MaxSteps - 1 : Math.Min(_step++, MaxSteps - 2);
        StepCpuNs[i] += cpu;
        StepBytes[i] += GC.GetAllocatedBytesForCurrentThread() - _stepBytes;
        StepSide[i] = side;
        return cpu;
    }

    /// <summary>Creates both sides and runs the handshake to completion (including tickets the server sends after it).</summary>
    public void Handshake(TlsClientOptions client, TlsServerOptions server)
    {
        ToServer.Clear();
        ToClient.Clear();
        ServerPlain.Clear();
        ClientPlain.Clear();
        _step = 0;
        if (Timed) BeginStep();
        Client = TlsConnection.CreateClient(client);
        Client.Start(ToServer);
        if (Timed)
        {
            ClientCpuNs += EndStep("client");
            BeginStep();
        }
        Server = TlsConnection.CreateServer(server);
        if (Timed)
        {
            // Counted with the server's first Process call.
            _pendingServerCreate = CpuClock.ThreadNow() - _stepCpu;
            _pendingServerBytes = GC.GetAllocatedBytesForCurrentThread() - _stepBytes;
        }
        Pump();
        if (!Client.IsHandshakeComplete || !Server.IsHandshakeComplete)
            throw new InvalidOperationException("the in-memory handshake did not complete");
    }

    private long _pendingServerCreate;
    private long _pendingServerBytes;

    /// <summary>Moves bytes back and forth until both directions are quiet.</summary>
    public void Pump()
    {
        for (int round = 0; round < 64 && (ToServer.Length > 0 || ToClient.Length > 0); round++)
        {
            if (ToServer.Length > 0)
            {
                if (Timed) BeginStep();
                Server.Process(ToServer.Pending, ToClient, ServerPlain, out int n);
                ToServer.Consume(n);
                if (Timed)
                {
                    _stepCpu -= _pendingServerCreate;
                    _stepBytes -= _pendingServerBytes;
                    _pendingServerCreate = _pendingServerBytes = 0;
                    ServerCpuNs += EndStep("server");
                }
            }
            if (ToClient.Length > 0)
            {
                if (Timed) BeginStep();
                Client.Process(ToClient.Pending, ToServer, ClientPlain, out int n);
                ToClient.Consume(n);
                if (Timed) ClientCpuNs += EndStep("client");
            }
        }
    }

    /// <summary>Disposes both connections (which zeroes their secrets), as a server does when a connection ends.</summary>
    public void Dispose()
    {
        if (Timed) BeginStep();
        Client?.Dispose();
        Server?.Dispose();
        if (Timed)
        {
            long cpu = EndStep("both", last: true);
            ClientCpuNs += cpu / 2;
            ServerCpuNs += cpu / 2;
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
