using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// Our client refusing openssl s_server's certificate: the alert our client raises must be the one s_server reports.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ServerCertificateRejectionTests(PkiFixture pki)
{
    [SkippableFact]
    public async Task ExpiredServerCertificateIsCertificateExpired()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync("server-expired", AlertDescription.CertificateExpired);
    }

    [SkippableFact]
    public async Task ServerCertificateForAnotherNameIsBadCertificate()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync("server-wrongname", AlertDescription.BadCertificate);
    }

    [SkippableFact]
    public async Task ServerCertificateFromUnknownCaIsUnknownCa()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync("server-untrusted", AlertDescription.UnknownCa);
    }

    /// <summary>A client certificate (EKU clientAuth, no DNS name) presented by a server.</summary>
    [SkippableFact]
    public async Task ServerCertificateWithoutServerAuthUsageIsBadCertificate()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync("client-p256", AlertDescription.BadCertificate);
    }

    private async Task RefusedAsync(string serverCertName, AlertDescription expected)
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Named(serverCertName);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error"],
            pki.NewTraceFile("refuse-server"));

        TlsAlertException? ours = null;
        try
        {
            await h.ConnectAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);
        }
        catch (TlsAlertException e)
        {
            ours = e;
        }
        await h.Server.WaitForExitAsync(Timeouts.Step);
        var theirs = new OpenSslOutput(h.Server.Output);

        AlertExpectations.RaisedLocally(expected, ours, $"s_server output:\n{OpenSslProcess.Tail(h.Server.Output)}");
        AlertExpectations.OpenSslReceived(expected, theirs);
    }
}
