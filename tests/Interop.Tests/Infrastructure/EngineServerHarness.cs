using System.Net;
using System.Net.Sockets;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// Our server (TlsStream.AcceptAsync over a TcpListener on 127.0.0.1, ephemeral port) facing one openssl s_client.
/// Disposal closes our side, stops listening and kills s_client if it still runs.
/// </summary>
public sealed class EngineServerHarness : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private Socket? _socket;

    public EngineServerHarness(string traceFile)
    {
        TraceFile = traceFile;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }
    public string TraceFile { get; }
    public OpenSslProcess? Client { get; private set; }
    public TlsStream? Tls { get; private set; }
    public TlsPipe? Pipe { get; private set; }

    /// <summary>
    /// Starts <c>openssl s_client -connect 127.0.0.1:PORT -tls1_3 -trace -msgfile TRACE</c> plus <paramref name="args"/>.
    /// With <paramref name="quiet"/> s_client prints only received data (and ignores end of input). s_client accepts one
    /// protocol flag only: pass another as <paramref name="protocol"/>.
    /// </summary>
    public OpenSslProcess StartClient(IEnumerable<string> args, bool quiet = false, bool hashStdoutOnly = false, string protocol = "-tls1_3")
    {
        var all = new List<string> { "s_client", "-connect", $"127.0.0.1:{Port}", protocol, "-trace", "-msgfile", TraceFile };
        if (quiet) all.Add("-quiet");
        all.AddRange(args);
        Client = OpenSslProcess.StartOpenSsl(all, hashStdoutOnly);
        return Client;
    }

    /// <summary>Accepts the connection and runs our server handshake; a TLS failure surfaces as TlsAlertException.</summary>
    public async Task<TlsStream> AcceptAsync(TlsServerOptions options, CancellationToken ct)
    {
        var accept = _listener.AcceptSocketAsync(ct).AsTask();
        if (Client is not null && await Task.WhenAny(accept, Client.Exited) != accept && !_listener.Pending())
        {
            _ = accept.ContinueWith(t => t.Exception, TaskScheduler.Default);
            throw new InvalidOperationException($"{Client.CommandLine} exited without connecting:\n{OpenSslProcess.Tail(Client.Output)}");
        }
        _socket = await accept;
        _listener.Stop();
        var network = new NetworkStream(_socket, ownsSocket: true);
        Tls = await TlsStream.AcceptAsync(network, options, ct);
        return Tls;
    }

    /// <summary>Accepts the connection and runs our server handshake through the Pipelines adapter (<see cref="TlsPipe.Create"/>).</summary>
    public async Task<TlsPipe> AcceptPipeAsync(TlsServerOptions options, CancellationToken ct)
    {
        _socket = await _listener.AcceptSocketAsync(ct);
        _listener.Stop();
        Pipe = TlsPipe.Create(new NetworkStream(_socket, ownsSocket: true), TlsConnection.CreateServer(options));
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
        _socket?.Dispose();
        _listener.Stop();
        if (Client is not null) await Client.DisposeAsync();
    }
}
