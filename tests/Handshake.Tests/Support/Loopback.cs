using System.Buffers;
using TlsEngine.Record;

namespace TlsEngine.Tests.Support;

/// <summary>
/// Two sans-IO connections joined in memory: bytes one side transmits are fed to the other until neither has
/// anything more to say. What each side's application received accumulates in <see cref="ClientReceived"/> and
/// <see cref="ServerReceived"/>.
/// </summary>
public sealed class Loopback : IDisposable
{
    private readonly List<byte> _toServer = [];
    private readonly List<byte> _toClient = [];

    public Loopback(TlsClientOptions client, TlsServerOptions server)
    {
        Client = TlsConnection.CreateClient(client);
        Server = TlsConnection.CreateServer(server);
    }

    public TlsConnection Client { get; }
    public TlsConnection Server { get; }
    public ArrayBufferWriter<byte> ClientReceived { get; } = new();
    public ArrayBufferWriter<byte> ServerReceived { get; } = new();
    public TlsStatus ClientStatus { get; private set; }
    public TlsStatus ServerStatus { get; private set; }

    /// <summary>Every record each side sent, as (from server?, bytes) in order — for inspection.</summary>
    public List<(bool FromServer, byte[] Bytes)> Wire { get; } = [];

    public void Start()
    {
        var w = new ArrayBufferWriter<byte>();
        Client.Start(w);
        Queue(fromServer: false, w.WrittenSpan);
    }

    /// <summary>Handshakes to completion; a failure on either side surfaces as its TlsAlertException.</summary>
    public void Handshake()
    {
        Start();
        Pump();
        Assert.True(Client.IsHandshakeComplete, "client handshake incomplete");
        Assert.True(Server.IsHandshakeComplete, "server handshake incomplete");
    }

    public void Queue(bool fromServer, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        Wire.Add((fromServer, bytes.ToArray()));
        (fromServer ? _toClient : _toServer).AddRange(bytes.ToArray());
    }

    /// <summary>Moves bytes back and forth until both directions are quiet.</summary>
    public void Pump(int maxRounds = 100)
    {
        for (int i = 0; i < maxRounds && (_toServer.Count > 0 || _toClient.Count > 0); i++)
        {
            Deliver(toServer: true);
            Deliver(toClient: true);
        }
    }

    private void Deliver(bool toServer = false, bool toClient = false)
    {
        var pending = toServer ? _toServer : _toClient;
        if (pending.Count == 0) return;
        var target = toServer ? Server : Client;
        var data = pending.ToArray();
        var transmit = new ArrayBufferWriter<byte>();
        try
        {
            var status = target.Process(data, transmit, toServer ? ServerReceived : ClientReceived, out int consumed);
            pending.RemoveRange(0, consumed);
            if (toServer) ServerStatus |= status; else ClientStatus |= status;
        }
        catch (TlsAlertException)
        {
            pending.Clear(); // the failed side reads nothing more
            throw;
        }
        finally
        {
            Queue(fromServer: toServer, transmit.WrittenSpan);
        }
    }

    public void ClientSends(ReadOnlySpan<byte> data)
    {
        var w = new ArrayBufferWriter<byte>();
        Client.Encrypt(data, w);
        Queue(false, w.WrittenSpan);
        Pump();
    }

    public void ServerSends(ReadOnlySpan<byte> data)
    {
        var w = new ArrayBufferWriter<byte>();
        Server.Encrypt(data, w);
        Queue(true, w.WrittenSpan);
        Pump();
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    /// <summary>Options for a mutual-auth pair on <see cref="TestPki.Default"/>.</summary>
    public static (TlsClientOptions Client, TlsServerOptions Server) MutualOptions(KeyKind serverKey = KeyKind.EcdsaP256, KeyKind clientKey = KeyKind.EcdsaP256)
    {
        var pki = TestPki.Default;
        return (
            new TlsClientOptions { Certificate = pki.Client(clientKey), TrustAnchors = pki.Anchors, ServerName = "localhost" },
            new TlsServerOptions { Certificate = pki.Server(serverKey), TrustAnchors = pki.Anchors, ClientAuthentication = ClientAuthenticationMode.Required });
    }

    /// <summary>Runs a handshake that must fail, and returns the failure of the side that raised it.</summary>
    public static TlsAlertException ExpectFailure(TlsClientOptions client, TlsServerOptions server, out Loopback loop)
    {
        loop = new Loopback(client, server);
        var l = loop;
        return Assert.Throws<TlsAlertException>(() => { l.Start(); l.Pump(); });
    }
}
