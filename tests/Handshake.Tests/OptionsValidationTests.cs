using TlsEngine.Crypto;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>Options are checked when a connection is created: a misconfiguration fails there, with its name.</summary>
public class OptionsValidationTests
{
    [Fact]
    public void ValidOptionsCreateConnections()
    {
        var (client, server) = Loopback.MutualOptions();
        client.ApplicationProtocols = ["h2", "http/1.1"];
        TlsConnection.CreateClient(client).Dispose();
        TlsConnection.CreateServer(server).Dispose();
    }

    [Fact]
    public void TheChainValidatorIsSharedUntilItsInputsAreReplaced()
    {
        var (client, server) = Loopback.MutualOptions();
        var first = server.ChainValidator;
        using (var loop = new Loopback(client, server))
            loop.Handshake();
        Assert.Same(first, server.ChainValidator);
        Assert.Same(server.TrustAnchors, first.TrustStore);
        Assert.Same(server.ValidatedChains, first.Cache);

        server.ValidatedChains = null;
        var uncached = server.ChainValidator;
        Assert.NotSame(first, uncached);
        Assert.Null(uncached.Cache);
        server.TrustAnchors = client.TrustAnchors;
        Assert.Same(client.TrustAnchors, server.ChainValidator.TrustStore);
        // Handshakes still validate against the options as they are now.
        using var again = new Loopback(client, server);
        again.Handshake();
        Assert.Equal("spiffe://test.example/client", again.Server.PeerIdentity!.SpiffeId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h\u00e9")]
    public void AlpnNamesMustBeNonEmptyAscii(string name)
    {
        var (client, _) = Loopback.MutualOptions();
        client.ApplicationProtocols = ["h2", name];
        var e = Assert.Throws<ArgumentException>(() => TlsConnection.CreateClient(client));
        Assert.Contains("ALPN protocol", e.Message);
    }

    [Fact]
    public void AlpnNamesAreAtMost255Characters()
    {
        var (_, server) = Loopback.MutualOptions();
        server.ApplicationProtocols = [new string('a', 255)];
        TlsConnection.CreateServer(server).Dispose();
        server.ApplicationProtocols = [new string('a', 256)];
        Assert.Throws<ArgumentException>(() => TlsConnection.CreateServer(server));
    }

    [Fact]
    public void UnsupportedAlgorithmsAreNamed()
    {
        var (client, _) = Loopback.MutualOptions();
        client.CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256, (CipherSuite)0x1306];
        Assert.Contains("cipher suite", Assert.Throws<ArgumentException>(() => TlsConnection.CreateClient(client)).Message);

        (client, _) = Loopback.MutualOptions();
        client.Groups = [NamedGroup.X25519, NamedGroup.X448];
        Assert.Contains("group", Assert.Throws<ArgumentException>(() => TlsConnection.CreateClient(client)).Message);

        (client, _) = Loopback.MutualOptions();
        client.SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256, (SignatureScheme)0x0201];
        Assert.Contains("signature scheme", Assert.Throws<ArgumentException>(() => TlsConnection.CreateClient(client)).Message);
    }
}
