using System.Text;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests;

/// <summary>
/// Keying material exporters (RFC 8446 §7.5) against OpenSSL both ways: s_client and s_server print what
/// SSL_export_keying_material gives for -keymatexport LABEL -keymatexportlen N (no context), and our side must export
/// the same bytes.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ExporterInteropTests(PkiFixture pki)
{
    private const string Label = "EXPORTER-Channel-Binding";

    private static string Ours(TlsStream tls, int length)
    {
        var output = new byte[length];
        tls.Connection.ExportKeyingMaterial(Encoding.ASCII.GetBytes(Label), [], output);
        return Convert.ToHexString(output);
    }

    private static async Task<string> TheirsAsync(OpenSslProcess openssl)
    {
        await openssl.WaitUntilAsync(p => new OpenSslOutput(p.Stdout).KeyingMaterial is not null, "openssl's keying material", Timeouts.Step);
        return new OpenSslOutput(openssl.Stdout).KeyingMaterial!;
    }

    [SkippableTheory]
    [InlineData(32)]
    [InlineData(100)]
    public async Task OurServerExportsWhatOpenSslClientExports(int length)
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        await using var h = new EngineServerHarness(pki.NewTraceFile("exporter-our-server"));
        var (cert, key) = pki.Client(KeyType.P256);
        var sClient = h.StartClient(["-CAfile", pki.Ca(KeyType.P256), "-verify_return_error", "-servername", "localhost",
            "-cert", cert, "-key", key, "-keymatexport", Label, "-keymatexportlen", length.ToString()]);
        var tls = await h.AcceptAsync(EngineOptions.Server(pki, KeyType.P256, KeyType.P256), cts.Token);

        await Exchange.PingPongAsync(tls, sClient, "exported", cts.Token);
        Assert.Equal(await TheirsAsync(sClient), Ours(tls, length));
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await sClient.WaitForExitAsync(Timeouts.Step));
    }

    [SkippableTheory]
    [InlineData(32)]
    [InlineData(100)]
    public async Task OurClientExportsWhatOpenSslServerExports(int length)
    {
        ExternalTool.Require("openssl");
        using var cts = Timeouts.ForCase();
        var (cert, key) = pki.Server(KeyType.P256);
        await using var h = await OpenSslServerHarness.StartAsync(
            ["-cert", cert, "-key", key, "-CAfile", pki.Ca(KeyType.P256), "-Verify", "1", "-verify_return_error",
                "-keymatexport", Label, "-keymatexportlen", length.ToString()],
            pki.NewTraceFile("exporter-our-client"));
        var tls = await h.ConnectAsync(EngineOptions.Client(pki, KeyType.P256, KeyType.P256), cts.Token);

        await Exchange.PingPongAsync(tls, h.Server, "exported", cts.Token);
        Assert.Equal(await TheirsAsync(h.Server), Ours(tls, length));
        await Exchange.CloseAsync(tls, cts.Token);
        Assert.Equal(0, await h.Server.WaitForExitAsync(Timeouts.Step));
    }
}
