using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.Fuzz.Support;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Tools;

/// <summary>
/// Seeds from our own client and server talking in memory with the engine targets' deterministic setup: for each
/// variant of one side against the fixed other side, the fixed side's input replays through its engine target.
/// </summary>
internal static class SelfSeeds
{
    public static void Write(string corpus)
    {
        var clientVariants = new Dictionary<string, Action<TlsClientOptions>>
        {
            ["default"] = _ => { },
            ["aes256"] = c => c.CipherSuites = [CipherSuite.TLS_AES_256_GCM_SHA384],
            ["chacha"] = c => c.CipherSuites = [CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
            ["p256"] = c => c.KeyShareGroups = [NamedGroup.Secp256r1],
            ["p384"] = c => c.Groups = [NamedGroup.Secp384r1],
            ["hrr"] = c => c.KeyShareGroups = [],
            ["plain"] = c => { c.ApplicationProtocols = []; c.MiddleboxCompatibility = false; c.ServerName = null; c.SkipServerNameCheck = true; },
            ["nocert"] = c => c.Certificate = null,
            ["small-records"] = c => { c.RecordSizeLimit = 64; c.PadRecordsTo = 32; },
        };
        foreach (var (name, change) in clientVariants)
        {
            var client = EngineSetup.Client();
            change(client);
            Save(corpus, "self-client-" + name, client, EngineSetup.Server(), server: true, client: name == "default");
        }
        var resuming = EngineSetup.Client();
        resuming.SessionTickets = new SessionTicketCache();
        Pair(resuming, EngineSetup.Server(), []);
        Save(corpus, "self-client-resumed", resuming, EngineSetup.Server(), server: true, client: false);

        var serverVariants = new Dictionary<string, Action<TlsServerOptions>>
        {
            ["aes256"] = s => s.CipherSuites = [CipherSuite.TLS_AES_256_GCM_SHA384],
            ["chacha"] = s => s.CipherSuites = [CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
            ["hrr"] = s => s.Groups = [NamedGroup.Secp256r1],
            ["hrr-nocookie"] = s => { s.Groups = [NamedGroup.Secp384r1]; s.HelloRetryCookie = false; },
            ["noauth"] = s => { s.ClientAuthentication = ClientAuthenticationMode.None; s.ApplicationProtocols = []; },
            ["tickets"] = s => { s.TicketsPerHandshake = 3; s.PadRecordsTo = 64; },
            ["small-records"] = s => s.RecordSizeLimit = 64,
        };
        foreach (var (name, change) in serverVariants)
        {
            var server = EngineSetup.Server();
            change(server);
            Save(corpus, "self-server-" + name, EngineSetup.Client(), server, server: false, client: true);
        }
        RecordSeeds(corpus);
    }

    private static void Save(string corpus, string name, TlsClientOptions c, TlsServerOptions s, bool server, bool client)
    {
        var keyLog = new List<string>();
        c.KeyLog = keyLog.Add;
        var (toServer, toClient, suite) = Pair(c, s, keyLog);
        if (server) SeedWriter.Save(corpus, "server", toServer);
        if (client) SeedWriter.Save(corpus, "client", toClient);
        SeedWriter.SaveMessages(corpus, toServer, fromServer: false, keyLog, suite, inner: server);
        SeedWriter.SaveMessages(corpus, toClient, fromServer: true, keyLog, suite, inner: client);
        Console.Error.WriteLine($"{name}: {toServer.Length} bytes to the server, {toClient.Length} to the client");
    }

    /// <summary>A full handshake in memory, then data, KeyUpdates and close_notify both ways; returns what each side received.</summary>
    private static (byte[] ToServer, byte[] ToClient, CipherSuite? Suite) Pair(TlsClientOptions c, TlsServerOptions s, List<string> keyLog)
    {
        using var client = TlsConnection.CreateClient(c);
        using var server = TlsConnection.CreateServer(s);
        var toServer = new MemoryStream();
        var toClient = new MemoryStream();
        var ct = new ArrayBufferWriter<byte>();
        var st = new ArrayBufferWriter<byte>();
        client.Start(ct);
        try
        {
            Exchange(client, server, ct, st, toServer, toClient);
            if (client.IsHandshakeComplete && server.IsHandshakeComplete)
            {
                client.Encrypt("ping"u8, ct);
                client.UpdateKeys(ct, requestPeer: true);
                server.Encrypt("pong"u8, st);
                Exchange(client, server, ct, st, toServer, toClient);
                server.UpdateKeys(st, requestPeer: false);
                server.Encrypt("pong"u8, st);
                client.Close(ct);
                server.Close(st);
                Exchange(client, server, ct, st, toServer, toClient);
            }
        }
        catch (TlsAlertException e)
        {
            Console.Error.WriteLine($"  ended with {e.Message}");
            toServer.Write(ct.WrittenSpan);
            toClient.Write(st.WrittenSpan);
        }
        return (toServer.ToArray(), toClient.ToArray(), client.CipherSuite);
    }

    private static void Exchange(TlsConnection client, TlsConnection server, ArrayBufferWriter<byte> ct, ArrayBufferWriter<byte> st, MemoryStream toServer, MemoryStream toClient)
    {
        var plain = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 16 && (ct.WrittenCount > 0 || st.WrittenCount > 0); i++)
        {
            Deliver(ct, toServer, server, st, plain);
            Deliver(st, toClient, client, ct, plain);
        }
    }

    private static void Deliver(ArrayBufferWriter<byte> from, MemoryStream log, TlsConnection to, ArrayBufferWriter<byte> reply, ArrayBufferWriter<byte> plain)
    {
        if (from.WrittenCount == 0) return;
        byte[] bytes = from.WrittenSpan.ToArray();
        from.Clear();
        log.Write(bytes);
        if (to.State != TlsConnectionState.Failed) to.Process(bytes, reply, plain, out _);
    }

    /// <summary>Record target seeds: records sealed under the fixed keys of each suite, and inner plaintexts to seal.</summary>
    private static void RecordSeeds(string corpus)
    {
        for (int suite = 0; suite < 3; suite++)
        {
            foreach (int pad in new[] { 0, 64 })
            {
                using var layer = new RecordLayer { PadToMultipleOf = pad };
                var output = new ArrayBufferWriter<byte>();
                layer.Write(ContentType.ChangeCipherSpec, [1], output);
                layer.SetWriteProtection(RecordKeys.Protection(RecordKeys.Suites[suite]));
                layer.Write(ContentType.Handshake, [24, 0, 0, 1, 1], output);
                layer.Write(ContentType.ApplicationData, "hello, fuzzer"u8, output);
                layer.Write(ContentType.ApplicationData, [], output);
                layer.Write(ContentType.Alert, [1, 0], output);
                SeedWriter.Save(corpus, "record", [(byte)(suite | (pad > 0 ? 0x40 : 0)), 3, .. output.WrittenSpan]);
            }
        }
        SeedWriter.Save(corpus, "record", [0x80, 0, .. "hello"u8, 23, 0, 0, 0]);
        SeedWriter.Save(corpus, "record", [0x80, 0, 22, 2, 0, 0, 0]);
        SeedWriter.Save(corpus, "record", [0xC0, 0, 0, 0, 0, 0]);
    }
}
