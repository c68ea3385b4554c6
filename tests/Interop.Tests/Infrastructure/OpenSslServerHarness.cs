using System.Net;
using System.Net.Sockets;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// One openssl s_server (-naccept 1) on 127.0.0.1 facing our client (TlsStream.ConnectAsync over a TcpClient).
/// Ready means s_server printed ACCEPT (or, with -quiet, listens on its port). A port taken between choosing and
/// binding is retried with another. Disposal closes our side and kills s_server if it still runs.
/// </summary>
public sealed class OpenSslServerHarness : IAsyncDisposable
{
    private TcpClient? _tcp;

    private OpenSslServerHarness(OpenSslProcess server, int port, string traceFile)
    {
        Server = server;
        Port = port;
        TraceFile = traceFile;
    }

    public OpenSslProcess Server { get; }
    public int Port { get; }
    public string TraceFile { get; }
    public TlsStream? Tls { get; private set; }
    public TlsPipe? Pipe { get; private set; }

    /// <summary>The socket stream under our TlsStream, counting what s_server sent.</summary>
    public ObservedStream? Transport { get; private set; }

    /// <summary>Starts <c>openssl s_server -accept 127.0.0.1:PORT -tls1_3 -naccept 1 -trace -msgfile TRACE</c> plus <paramref name="args"/>.</summary>
    public static async Task<OpenSslServerHarness> StartAsync(IEnumerable<string> args, string traceFile, bool quiet = false, bool hashStdoutOnly = false)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = Ports.Free();
            var all = new List<string> { "s_server", "-accept", $"127.0.0.1:{port}", "-tls1_3", "-naccept", "1", "-trace", "-msgfile", traceFile };
            if (quiet) all.Add("-quiet");
            all.AddRange(args);
            var server = OpenSslProcess.StartOpenSsl(all, hashStdoutOnly);
            try
            {
                if (quiet) await WaitListeningAsync(server, port);
                else await server.WaitForTextAsync("ACCEPT", Timeouts.Step);
                return new OpenSslServerHarness(server, port, traceFile);
            }
            catch (InvalidOperationException) when (attempt < 5 && server.HasExitedWith("in use"))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    // A quiet s_server prints nothing (not even ACCEPT): poll the listening sockets instead, without connecting.
    private static async Task WaitListeningAsync(OpenSslProcess server, int port)
    {
        var deadline = DateTime.UtcNow + Timeouts.Step;
        while (!Ports.IsListening(port))
        {
            if (server.ProcessHasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"{server.CommandLine} is not listening on {port}:\n{server.Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>Connects and runs our client handshake; a TLS failure surfaces as TlsAlertException.</summary>
    public async Task<TlsStream> ConnectAsync(TlsClientOptions options, CancellationToken ct)
    {
        _tcp = new TcpClient();
        await _tcp.ConnectAsync(IPAddress.Loopback, Port, ct);
        Transport = new ObservedStream(_tcp.GetStream());
        Tls = await TlsStream.ConnectAsync(Transport, options, ct);
        return Tls;
    }

    /// <summary>Connects and runs our client handshake through the Pipelines adapter (<see cref="TlsPipe.Create"/>).</summary>
    public async Task<TlsPipe> ConnectPipeAsync(TlsClientOptions options, CancellationToken ct)
    {
        _tcp = new TcpClient();
        await _tcp.ConnectAsync(IPAddress.Loopback, Port, ct);
        Pipe = TlsPipe.Create(_tcp.GetStream(), TlsConnection.CreateClient(options));
        await Pipe.HandshakeAsync(Timeouts.Step, ct);
        return Pipe;
    }

    public OpenSslTrace Trace() => OpenSslTrace.Load(TraceFile);

    public async ValueTask DisposeAsync()
    {
        if (Tls is not null)
        {
            try
            {
                await Tls.DisposeAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or Record.TlsAlertException)
            {
            }
        }
        if (Pipe is not null) await Pipe.DisposeAsync();
        _tcp?.Dispose();
        await Server.DisposeAsync();
    }
}
