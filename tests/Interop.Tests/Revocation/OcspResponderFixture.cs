using System.Net;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests.Revocation;

/// <summary>
/// A revocation PKI (interop/gen-ocsp-pki.sh) served for real on loopback: `openssl ocsp` as the responder named in
/// the certificates' Authority Information Access, and a small HTTP listener serving the CA's CRL at the certificates'
/// CRL distribution point. Started on first use, stopped and deleted at the end of the run.
/// </summary>
public sealed class OcspResponderFixture : IAsyncDisposable, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tlsengine-ocsp-" + Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenSslProcess? _responder;
    private HttpListener? _crlServer;
    private bool _started;

    public string File(string name) => Path.Combine(_dir, name);

    public Uri CrlUrl { get; private set; } = new("http://127.0.0.1/");

    public async Task EnsureStartedAsync()
    {
        ExternalTool.Require("openssl");
        await _gate.WaitAsync();
        try
        {
            if (_started) return;
            int ocspPort = Ports.Free();
            int crlPort = Ports.Free();
            CrlUrl = new Uri($"http://127.0.0.1:{crlPort}/ca.crl");
            ExternalTool.Run("bash", [RepositoryPaths.GenOcspPkiScript, _dir, ocspPort.ToString(System.Globalization.CultureInfo.InvariantCulture), CrlUrl.AbsoluteUri],
                timeout: TimeSpan.FromSeconds(60));
            _responder = OpenSslProcess.StartOpenSsl(
            [
                "ocsp", "-index", File("index.txt"), "-port", ocspPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-rsigner", File("responder.pem"), "-rkey", File("responder.key"), "-CA", File("ca.pem"), "-nmin", "10",
            ]);
            await _responder.WaitUntilAsync(_ => Ports.IsListening(ocspPort), "openssl ocsp listening", TimeSpan.FromSeconds(10));
            _crlServer = new HttpListener();
            _crlServer.Prefixes.Add($"http://127.0.0.1:{crlPort}/");
            _crlServer.Start();
            _ = Task.Run(ServeCrlAsync);
            _started = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ServeCrlAsync()
    {
        var crl = await System.IO.File.ReadAllBytesAsync(File("ca.crl"));
        while (_crlServer is { IsListening: true } listener)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            context.Response.ContentType = "application/pkix-crl";
            await context.Response.OutputStream.WriteAsync(crl);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _crlServer?.Close();
        if (_responder is not null) await _responder.DisposeAsync();
        try
        {
            if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
