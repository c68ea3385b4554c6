using TlsEngine.Interop.Tests.Infrastructure;
using TlsEngine.Record;

namespace TlsEngine.Interop.Tests;

/// <summary>openssl s_client offering nothing our server can accept: the alert we raise is the one s_client reports.</summary>
[Collection(InteropCollection.Name)]
public sealed class NegotiationFailureTests(PkiFixture pki)
{
    /// <summary>DESIGN: a peer that offers only TLS 1.2 or lower gets protocol_version.</summary>
    [SkippableFact]
    public async Task OpenSslClientOfferingOnlyTls12GetsProtocolVersion()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync([], AlertDescription.ProtocolVersion, protocol: "-tls1_2");
    }

    /// <summary>RFC 8446 §4.1.1: no common parameters ends with handshake_failure (or insufficient_security).</summary>
    [SkippableFact]
    public async Task NoCommonCipherSuiteIsHandshakeFailure()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync(["-ciphersuites", "TLS_AES_128_CCM_SHA256"], [AlertDescription.HandshakeFailure, AlertDescription.InsufficientSecurity]);
    }

    [SkippableFact]
    public async Task NoCommonGroupIsHandshakeFailure()
    {
        ExternalTool.Require("openssl");
        await RefusedAsync(["-groups", "X448:P-521"], [AlertDescription.HandshakeFailure, AlertDescription.InsufficientSecurity]);
    }

    private Task RefusedAsync(string[] clientArgs, AlertDescription expected, string protocol = "-tls1_3") =>
        RefusedAsync(clientArgs, [expected], protocol);

    private async Task RefusedAsync(string[] clientArgs, AlertDescription[] acceptable, string protocol = "-tls1_3")
    {
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Client(KeyType.P256);
        await using var h = new EngineServerHarness(pki.NewTraceFile("negotiation"));
        var sClient = h.StartClient([.. clientArgs, "-CAfile", pki.Ca(KeyType.P256), "-servername", "localhost", "-cert", cert, "-key", key], protocol: protocol);

        TlsAlertException? ours = null;
        try
        {
            await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);
        }
        catch (TlsAlertException e)
        {
            ours = e;
        }
        Assert.NotEqual(0, await sClient.WaitForExitAsync(Timeouts.Step));
        var theirs = new OpenSslOutput(sClient.Output);

        Assert.True(ours is not null, $"our server accepted:\n{OpenSslProcess.Tail(sClient.Output)}");
        Assert.True(acceptable.Contains(ours.Alert) && !ours.ReceivedFromPeer,
            $"our server {(ours.ReceivedFromPeer ? "received" : "raised")} {AlertDescriptions.Name(ours.Alert)} ({ours.Message}); expected to raise {string.Join(" or ", acceptable.Select(AlertDescriptions.Name))}");
        AlertExpectations.OpenSslReceived(ours.Alert, theirs);
    }
}
