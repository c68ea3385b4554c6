using System.Net.Sockets;

namespace TlsEngine.Cli;

/// <summary>
/// <c>tlsengine client</c>: connects like <c>openssl s_client</c>: stdin is sent, received data goes to stdout; at the
/// end of stdin it sends close_notify and waits briefly for the server's.
/// </summary>
internal static class ClientCommand
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var (host, port) = args.RequiredHostPort("connect");
        var options = new TlsClientOptions();
        OptionsBuilder.ApplyCommon(args, options);
        if (options.TrustAnchors is null) throw new UsageException("the client needs --ca with the trust anchors for the server certificate");
        options.ServerName = args.Value("servername") ?? host;
        bool keyUpdate = args.Flag("keyupdate");
        options.Revocation.Ocsp = args.Value("ocsp") switch
        {
            null or "soft" => OcspPolicy.SoftFail,
            "require" => OcspPolicy.Require,
            "off" => OcspPolicy.Off,
            var other => throw new UsageException($"--ocsp must be require, soft or off, not '{other}'"),
        };
        int reconnects = args.Int("reconnect", 0);
        var keyingMaterial = KeyingMaterialOption.Parse(args);
        args.RejectUnknown();
        if (reconnects > 0)
            return await ReconnectAsync(host, port, options, reconnects);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port);
        await using var tls = await TlsStream.ConnectAsync(tcp.GetStream(), options);
        var c = tls.Connection;
        Console.Error.WriteLine($"handshake: {OptionsBuilder.Describe(c)}");
        Console.Error.WriteLine($"peer: {c.PeerIdentity}");
        Console.Error.WriteLine("Verification: OK");
        if (keyingMaterial is not null) Console.Error.WriteLine(keyingMaterial.Describe(c));
        if (keyUpdate)
        {
            await tls.UpdateKeysAsync(requestPeer: true);
            Console.Error.WriteLine("KeyUpdate sent (update_requested)");
        }
        var reading = StreamCopy.ToStdoutAsync(tls);
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[16384];
        var readTask = stdin.ReadAsync(buffer).AsTask();
        while (true)
        {
            var done = await Task.WhenAny(readTask, reading);
            if (done == reading) break;
            int n = await readTask;
            if (n == 0)
            {
                await tls.ShutdownAsync();
                await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(3)));
                break;
            }
            await tls.WriteAsync(buffer.AsMemory(0, n));
            readTask = stdin.ReadAsync(buffer).AsTask();
        }
        if (reading.IsCompleted) await reading;
        return 0;
    }

    /// <summary>
    /// Like <c>openssl s_client -reconnect</c>: connects, then reconnects N times offering the tickets received,
    /// printing for each connection whether it was new or resumed.
    /// </summary>
    private static async Task<int> ReconnectAsync(string host, int port, TlsClientOptions options, int reconnects)
    {
        options.SessionTickets ??= new SessionTicketCache();
        int resumed = 0;
        for (int i = 0; i <= reconnects; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port);
            await using var tls = await TlsStream.ConnectAsync(tcp.GetStream(), options);
            // Tickets arrive after the handshake: read until the server's first records are processed.
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                _ = await tls.ReadAsync(new byte[1], wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
            Console.Error.WriteLine($"{(tls.Connection.Resumed ? "Reused" : "New")}, {OptionsBuilder.Describe(tls.Connection)}");
            if (tls.Connection.Resumed) resumed++;
            await tls.ShutdownAsync();
        }
        Console.Error.WriteLine($"resumed {resumed} of {reconnects} reconnections");
        return 0;
    }
}
