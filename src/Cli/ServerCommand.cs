using System.Net;
using System.Net.Sockets;

namespace TlsEngine.Cli;

/// <summary>
/// <c>tlsengine server</c>: accepts TLS 1.3 connections like <c>openssl s_server</c>. Received data goes to stdout and
/// stdin goes to the current connection; with <c>--echo</c> each connection gets back what it sends.
/// </summary>
internal static class ServerCommand
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var options = new TlsServerOptions();
        OptionsBuilder.ApplyCommon(args, options);
        if (options.Certificate is null) throw new UsageException("the server needs --cert and --key (or --pkcs12)");
        var mode = args.Value("client-auth");
        options.ClientAuthentication = args.Flag("require-client-cert") ? ClientAuthenticationMode.Required : mode switch
        {
            null => options.TrustAnchors is null ? ClientAuthenticationMode.None : ClientAuthenticationMode.Required,
            "none" => ClientAuthenticationMode.None,
            "optional" => ClientAuthenticationMode.Optional,
            "required" => ClientAuthenticationMode.Required,
            _ => throw new UsageException($"--client-auth must be none, optional or required, not '{mode}'"),
        };
        if (options.ClientAuthentication != ClientAuthenticationMode.None && options.TrustAnchors is null)
            throw new UsageException("client authentication needs --ca with the trust anchors for client certificates");
        var host = IPAddress.Parse(args.Value("host") ?? "127.0.0.1");
        int port = args.Int("port", 4433);
        bool echo = args.Flag("echo");
        // An echo server half-closes: data that arrives with the client's close_notify is still echoed, then our
        // close_notify follows (RFC 8446 §6.1 lets each side close its own write side).
        if (echo) options.AnswerCloseNotify = false;
        // Like openssl s_server, tickets for resumption are issued unless disabled.
        if (!args.Flag("no-tickets"))
            options.SessionTicketKeys = SessionTicketKeys.CreateRandom();
        int accepts = args.Int("naccept", int.MaxValue);
        var staple = args.Value("ocsp-staple");
        var keyingMaterial = KeyingMaterialOption.Parse(args);
        args.RejectUnknown();
        await using var stapler = await StartStaplingAsync(options, staple);

        var listener = new TcpListener(host, port);
        listener.Start();
        Console.Error.WriteLine($"listening on {listener.LocalEndpoint}");
        var stdin = echo ? null : StdinPump.Start();
        var running = new List<Task>();
        try
        {
            for (int n = 0; n < accepts; n++)
            {
                var socket = await listener.AcceptSocketAsync();
                var task = ServeAsync(socket, options, echo, stdin, keyingMaterial);
                if (echo) running.Add(task);
                else await task;
            }
            await Task.WhenAll(running);
        }
        finally
        {
            listener.Stop();
        }
        return 0;
    }

    /// <summary><c>--ocsp-staple FILE</c> staples a fixed response; <c>auto</c> fetches and refreshes it in the background.</summary>
    private static async Task<OcspStapler?> StartStaplingAsync(TlsServerOptions options, string? staple)
    {
        if (staple is null) return null;
        if (staple != "auto")
        {
            options.OcspStaple = OcspStaple.FromFile(staple);
            return null;
        }
        var stapler = new OcspStapler(options.Certificate!, new X509.OcspClient());
        stapler.RefreshFailed += e => Console.Error.WriteLine($"OCSP staple refresh failed: {e.Message}");
        await stapler.StartAsync();
        Console.Error.WriteLine($"OCSP staple: {stapler.LastCheck}");
        options.OcspStaple = stapler;
        return stapler;
    }

    private static async Task ServeAsync(Socket socket, TlsServerOptions options, bool echo, StdinPump? stdin, KeyingMaterialOption? keyingMaterial)
    {
        var remote = socket.RemoteEndPoint;
        await using var network = new NetworkStream(socket, ownsSocket: true);
        TlsStream tls;
        try
        {
            tls = await TlsStream.AcceptAsync(network, options);
        }
        catch (Exception e) when (e is Record.TlsAlertException or IOException or TimeoutException or SocketException)
        {
            Console.Error.WriteLine($"{remote}: handshake failed: {e.Message}");
            return;
        }
        await using (tls)
        {
            var c = tls.Connection;
            Console.Error.WriteLine($"{remote}: handshake: {OptionsBuilder.Describe(c)}{(c.Resumed ? " (resumed)" : "")}");
            Console.Error.WriteLine($"{remote}: peer: {(c.PeerIdentity?.ToString() ?? "no client certificate")}");
            if (keyingMaterial is not null) Console.Error.WriteLine($"{remote}: {keyingMaterial.Describe(c)}");
            try
            {
                if (echo) await EchoAsync(tls);
                else await InteractiveAsync(tls, stdin!);
                Console.Error.WriteLine($"{remote}: closed");
            }
            catch (Exception e) when (e is Record.TlsAlertException or IOException)
            {
                Console.Error.WriteLine($"{remote}: connection failed: {e.Message}");
            }
        }
    }

    private static async Task EchoAsync(TlsStream tls)
    {
        var buffer = new byte[16384];
        int n;
        while ((n = await tls.ReadAsync(buffer)) > 0)
            await tls.WriteAsync(buffer.AsMemory(0, n));
    }

    private static async Task InteractiveAsync(TlsStream tls, StdinPump stdin)
    {
        using var stop = new CancellationTokenSource();
        var forward = stdin.ForwardAsync(tls, stop.Token);
        await StreamCopy.ToStdoutAsync(tls);
        await stop.CancelAsync();
        try
        {
            await forward;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
