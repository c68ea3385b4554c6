using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>Full handshakes between our client and our server in memory (no sockets).</summary>
public class HandshakeTests
{
    public static TheoryData<CipherSuite, NamedGroup> SuitesAndGroups()
    {
        var data = new TheoryData<CipherSuite, NamedGroup>();
        foreach (var s in CipherSuites.Supported)
            foreach (var g in NamedGroups.Supported)
                data.Add(s, g);
        return data;
    }

    [Theory]
    [MemberData(nameof(SuitesAndGroups))]
    public void MutualHandshakeCompletesForEverySuiteAndGroup(CipherSuite suite, NamedGroup group)
    {
        var (c, s) = Loopback.MutualOptions();
        c.CipherSuites = [suite];
        c.Groups = [group];
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Equal(suite, loop.Client.CipherSuite);
        Assert.Equal(suite, loop.Server.CipherSuite);
        Assert.Equal(group, loop.Client.NamedGroup);
        Assert.Equal(group, loop.Server.NamedGroup);
        Assert.False(loop.Client.HelloRetried);
        Assert.Equal("spiffe://test.example/client", loop.Server.PeerIdentity!.SpiffeId);
        Assert.Contains("localhost", loop.Client.PeerIdentity!.DnsNames);
        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, loop.Client.PeerSignatureScheme);
        Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, loop.Server.PeerSignatureScheme);
        Assert.True((loop.ClientStatus & TlsStatus.HandshakeComplete) != 0);
        Assert.True((loop.ServerStatus & TlsStatus.HandshakeComplete) != 0);
    }

    [Theory]
    [InlineData(KeyKind.EcdsaP256, KeyKind.Rsa2048, SignatureScheme.RsaPssRsaeSha256)]
    [InlineData(KeyKind.Rsa2048, KeyKind.EcdsaP384, SignatureScheme.EcdsaSecp384r1Sha384)]
    [InlineData(KeyKind.EcdsaP384, KeyKind.EcdsaP256, SignatureScheme.EcdsaSecp256r1Sha256)]
    public void MixedKeyTypesAuthenticate(KeyKind serverKey, KeyKind clientKey, SignatureScheme expectedClientScheme)
    {
        var (c, s) = Loopback.MutualOptions(serverKey, clientKey);
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Equal(expectedClientScheme, loop.Server.PeerSignatureScheme);
        Assert.Equal(expectedClientScheme, loop.Client.LocalSignatureScheme);
    }

    [Fact]
    public void ServerAsksForAnotherGroupWithHelloRetryRequest()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Groups = [NamedGroup.X25519, NamedGroup.Secp384r1];
        s.Groups = [NamedGroup.Secp384r1];
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.True(loop.Client.HelloRetried);
        Assert.True(loop.Server.HelloRetried);
        Assert.Equal(NamedGroup.Secp384r1, loop.Client.NamedGroup);
        loop.ClientSends("after retry"u8);
        Assert.Equal("after retry"u8.ToArray(), loop.ServerReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void ApplicationDataFlowsBothWaysAcrossManyRecords()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var big = new byte[100_000];
        new Random(1).NextBytes(big);
        loop.ClientSends(big);
        Assert.Equal(big, loop.ServerReceived.WrittenSpan.ToArray());
        loop.ServerSends("reply"u8);
        Assert.Equal("reply"u8.ToArray(), loop.ClientReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void KeyUpdateRequestedIsAnsweredAndDataStillFlows()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var w = new ArrayBufferWriter<byte>();
        loop.Client.UpdateKeys(w, requestPeer: true);
        loop.Queue(false, w.WrittenSpan);
        loop.Pump();
        // The server answered with its own KeyUpdate: both directions are on their second application secret.
        loop.ServerSends("s1"u8);
        loop.ClientSends("c1"u8);
        Assert.Equal("s1"u8.ToArray(), loop.ClientReceived.WrittenSpan.ToArray());
        Assert.Equal("c1"u8.ToArray(), loop.ServerReceived.WrittenSpan.ToArray());
        Assert.Contains(loop.Wire, r => r.FromServer && r.Bytes.Length > 0);
    }

    [Fact]
    public void WriteKeyIsUpdatedAutomaticallyBeforeItsLimit()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Limits.KeyUpdateAfterRecords = 3;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        for (int i = 0; i < 10; i++) loop.ClientSends([(byte)i]);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i).ToArray(), loop.ServerReceived.WrittenSpan.ToArray());
        // 10 records with a limit of 3 per key: the client moved through several keys.
        Assert.True(loop.Client.Records.WriteProtection!.SequenceNumber <= 3);
    }

    [Fact]
    public void CloseNotifyIsAnsweredAndEndsTheData()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var w = new ArrayBufferWriter<byte>();
        loop.Client.Close(w);
        loop.Queue(false, w.WrittenSpan);
        loop.Pump();
        Assert.True(loop.Server.PeerClosed);
        Assert.True(loop.Server.LocalClosed);
        Assert.True(loop.Client.PeerClosed);
        Assert.True((loop.ServerStatus & TlsStatus.PeerClosed) != 0);
        Assert.Throws<InvalidOperationException>(() => loop.Client.Encrypt("late"u8, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void RequiredClientCertificateMissingFailsWithCertificateRequired()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Certificate = null;
        var e = Loopback.ExpectFailure(c, s, out var loop);
        Assert.Equal(AlertDescription.CertificateRequired, e.Alert);
        Assert.False(e.ReceivedFromPeer);
        // The alert reaches the client.
        var received = Assert.Throws<TlsAlertException>(() => loop.Pump());
        Assert.Equal(AlertDescription.CertificateRequired, received.Alert);
        Assert.True(received.ReceivedFromPeer);
        loop.Dispose();
    }

    [Fact]
    public void OptionalClientCertificateMissingConnectsWithoutPeerIdentity()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Certificate = null;
        s.ClientAuthentication = ClientAuthenticationMode.Optional;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Null(loop.Server.PeerIdentity);
        Assert.Null(loop.Server.PeerSignatureScheme);
        Assert.NotNull(loop.Client.PeerIdentity);
    }

    [Fact]
    public void ServerWithoutClientAuthenticationSendsNoCertificateRequest()
    {
        var (c, s) = Loopback.MutualOptions();
        s.ClientAuthentication = ClientAuthenticationMode.None;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Null(loop.Server.PeerIdentity);
        Assert.Null(loop.Client.LocalSignatureScheme);
    }

    [Fact]
    public void ClientCertificateFromUnknownCaFailsWithUnknownCa()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Certificate = TestPki.Other.Client();
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.UnknownCa, e.Alert);
    }

    [Fact]
    public void ExpiredServerCertificateFailsWithCertificateExpired()
    {
        var (c, s) = Loopback.MutualOptions();
        var now = DateTimeOffset.UtcNow;
        s.Certificate = TestPki.Default.Server(notBefore: now.AddDays(-10), notAfter: now.AddDays(-1));
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateExpired, e.Alert);
        Assert.Contains("expired", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ValidityIsCheckedAtTheInjectedTime()
    {
        var (c, s) = Loopback.MutualOptions();
        c.TimeProvider = new FixedTime(DateTimeOffset.UtcNow.AddYears(5));
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.CertificateExpired, e.Alert);
    }

    [Fact]
    public void WrongServerNameFailsWithBadCertificate()
    {
        var (c, s) = Loopback.MutualOptions();
        c.ServerName = "not-localhost.example";
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }

    [Fact]
    public void ServerIpAddressIsMatchedAgainstIpSans()
    {
        var (c, s) = Loopback.MutualOptions();
        c.ServerName = "127.0.0.1";
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Null(loop.Server.ServerName); // an IP address is not sent as SNI (RFC 6066 §3)
        c.ServerName = "127.0.0.2";
        var e = Loopback.ExpectFailure(c, s, out var loop2);
        loop2.Dispose();
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }

    [Fact]
    public void ServerCertificateUsedAsClientCertificateFailsOnExtendedKeyUsage()
    {
        var (c, s) = Loopback.MutualOptions();
        c.Certificate = TestPki.Default.Server();
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }

    [Fact]
    public void AuthorizationCallbackSeesTheVerifiedIdentityAndCanRefuse()
    {
        var (c, s) = Loopback.MutualOptions();
        PeerIdentity? seen = null;
        s.AuthorizePeer = id =>
        {
            seen = id;
            return false;
        };
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.AccessDenied, e.Alert);
        Assert.Equal("spiffe://test.example/client", seen!.SpiffeId);
        Assert.Equal("CN=test-client", seen.Subject);
        Assert.Equal(2, seen.Chain.Count);
    }

    [Fact]
    public void AlpnIsNegotiatedByServerPreference()
    {
        var (c, s) = Loopback.MutualOptions();
        c.ApplicationProtocols = ["http/1.1", "h2"];
        s.ApplicationProtocols = ["h2", "http/1.1"];
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Equal("h2", loop.Client.ApplicationProtocol);
        Assert.Equal("h2", loop.Server.ApplicationProtocol);
    }

    [Fact]
    public void NoCommonAlpnFailsWithNoApplicationProtocol()
    {
        var (c, s) = Loopback.MutualOptions();
        c.ApplicationProtocols = ["spdy/3"];
        s.ApplicationProtocols = ["h2"];
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.NoApplicationProtocol, e.Alert);
    }

    [Fact]
    public void NoCommonSuiteFailsWithHandshakeFailure()
    {
        var (c, s) = Loopback.MutualOptions();
        c.CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256];
        s.CipherSuites = [CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.HandshakeFailure, e.Alert);
    }

    [Fact]
    public void KeyLogHasTheFiveNssLines()
    {
        var (c, s) = Loopback.MutualOptions();
        var lines = new List<string>();
        c.KeyLog = lines.Add;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Equal(
            ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"],
            lines.Select(l => l.Split(' ')[0]));
        Assert.All(lines, l => Assert.Matches("^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64}$", l));
    }

    [Fact]
    public void ServerKeyLogMatchesTheClientsLineForLine()
    {
        // The server keeps the ClientHello's random (read in the message buffer, which is reused) only for its key log.
        var (c, s) = Loopback.MutualOptions();
        var client = new List<string>();
        var server = new List<string>();
        c.KeyLog = client.Add;
        s.KeyLog = server.Add;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        Assert.Equal(5, server.Count);
        Assert.Equal(client, server);
    }

    [Fact]
    public void RecordSizeLimitIsHonouredWhenNegotiated()
    {
        var (c, s) = Loopback.MutualOptions();
        c.RecordSizeLimit = 256;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        int before = loop.Wire.Count;
        loop.ServerSends(new byte[1000]);
        var records = loop.Wire.Skip(before).Where(r => r.FromServer).SelectMany(r => SplitRecords(r.Bytes)).ToList();
        // 255 bytes of content per record (RFC 8449 §4): at least four records, none over 256 + 16 bytes of body.
        Assert.True(records.Count >= 4);
        Assert.All(records, r => Assert.True(r.Length - 5 <= 256 + 16));
        Assert.Equal(1000, loop.ClientReceived.WrittenCount);
    }

    [Fact]
    public void PaddedRecordsAreUnpadded()
    {
        var (c, s) = Loopback.MutualOptions();
        c.PadRecordsTo = 512;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        loop.ClientSends("x"u8);
        Assert.Equal("x"u8.ToArray(), loop.ServerReceived.WrittenSpan.ToArray());
        Assert.Equal(5 + 512 + 16, loop.Wire[^1].Bytes.Length);
    }

    internal static IEnumerable<byte[]> SplitRecords(byte[] bytes)
    {
        int i = 0;
        while (i + 5 <= bytes.Length)
        {
            int len = (bytes[i + 3] << 8) | bytes[i + 4];
            yield return bytes[i..(i + 5 + len)];
            i += 5 + len;
        }
    }

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
