using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// Our server (client certificate required) refusing openssl s_client: the alert our server raises (TlsAlertException,
/// not received from the peer) must be the one s_client reports receiving.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ClientCertificateRejectionTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task MissingClientCertificateIsCertificateRequired()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync(null, AlertDescription.CertificateRequired);
    }

    [SkippableFact]
    public async Task ClientCertificateFromUnknownCaIsUnknownCa()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync(pki.Named("client-untrusted"), AlertDescription.UnknownCa);
    }

    [SkippableFact]
    public async Task ExpiredClientCertificateIsCertificateExpired()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync(pki.Named("client-expired"), AlertDescription.CertificateExpired);
    }

    /// <summary>A certificate whose EKU is serverAuth only, presented as a client certificate (DESIGN: wrong usage is bad_certificate).</summary>
    [SkippableFact]
    public async Task ClientCertificateWithoutClientAuthUsageIsBadCertificate()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync(pki.Server(KeyType.P256), AlertDescription.BadCertificate);
    }

    [SkippableFact]
    public async Task ClientRefusedByAuthorizationCallbackIsAccessDenied()
    {
        ExternalTool.Require("openssl");
        string? seen = null;
        await RefusedAsync(pki.Client(KeyType.P256), AlertDescription.AccessDenied, o => o.AuthorizePeer = peer =>
        {
            seen = peer.SpiffeId;
            return false;
        });
        Assert.Equal(KeyType.P256.ClientSpiffeId(), seen);
    }

    private async Task RefusedAsync((string Cert, string Key)? clientCert, AlertDescription expected, Action<TlsServerOptions>? configure = null)
    {
        using var cts = Timeouts.ForCase();
        await using var h = new EngineServerHarness(pki.NewTraceFile("refuse-client"));
        var args = new List<string> { "-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost" };
        if (clientCert is { } c) args.AddRange(["-cert", c.Cert, "-key", c.Key]);
        var sClient = h.StartClient(args);

        var options = EngineOptions.Server(pki, KeyType.P256, KeyType.P256);
        configure?.Invoke(options);
        TlsAlertException? ours = null;
        try
        {
            await h.AcceptAsync(options, cts.Token);
        }
        catch (TlsAlertException e)
        {
            ours = e;
        }
        // TLS 1.3: s_client finished its side of the handshake before our verdict; it learns of it when it reads the alert.
        int exit = await sClient.WaitForExitAsync(Timeouts.Step);
        var theirs = new OpenSslOutput(sClient.Output);

        AlertExpectations.RaisedLocally(expected, ours, $"s_client output:\n{OpenSslProcess.Tail(sClient.Output)}");
        AlertExpectations.OpenSslReceived(expected, theirs);
        Assert.NotEqual(0, exit);
    }
}
