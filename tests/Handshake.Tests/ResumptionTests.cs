using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Handshake.Tests.Rfc8448;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>Session resumption with tickets (RFC 8446 §2.2, §4.2.11, §4.6.1): psk_dhe_ke, binders, ticket age, identity.</summary>
public class ResumptionTests
{
    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (TlsClientOptions Client, TlsServerOptions Server, SessionTicketCache Cache) Options(SessionTicketKeys? keys = null)
    {
        var (c, s) = Loopback.MutualOptions();
        var cache = new SessionTicketCache();
        c.SessionTickets = cache;
        s.SessionTicketKeys = keys ?? SessionTicketKeys.CreateRandom();
        return (c, s, cache);
    }

    private static Loopback Connect(TlsClientOptions c, TlsServerOptions s)
    {
        var loop = new Loopback(c, s);
        loop.Handshake();
        return loop;
    }

    [Fact]
    public void SecondConnectionResumesWithTheOriginalIdentities()
    {
        var (c, s, cache) = Options();
        using var first = Connect(c, s);
        Assert.False(first.Client.Resumed);
        Assert.Equal(1, cache.Count);

        using var second = Connect(c, s);
        Assert.True(second.Client.Resumed);
        Assert.True(second.Server.Resumed);
        // No certificates were exchanged, yet both sides know who the peer is.
        Assert.Null(second.Server.PeerSignatureScheme);
        Assert.Null(second.Client.PeerSignatureScheme);
        Assert.Equal("spiffe://test.example/client", second.Server.PeerIdentity!.SpiffeId);
        Assert.Contains("localhost", second.Client.PeerIdentity!.DnsNames);
        second.ClientSends("resumed"u8);
        Assert.Equal("resumed"u8.ToArray(), second.ServerReceived.WrittenSpan.ToArray());
        // The resumed connection issued a fresh ticket; the used one was consumed.
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void WithoutTheChainCacheTheTicketsClientChainIsParsedAgainAndKept()
    {
        // The ticket's client chain is read from the decrypted ticket, which is cleared after the check: the resumed
        // identity must be the validator's own copy.
        var (c, s, _) = Options();
        s.ValidatedChains = null;
        using var first = Connect(c, s);
        byte[] clientLeaf = first.Server.PeerIdentity!.Certificate.RawData.ToArray();

        using var second = Connect(c, s);
        Assert.True(second.Server.Resumed);
        Assert.NotSame(first.Server.PeerIdentity!.Certificate, second.Server.PeerIdentity!.Certificate);
        Assert.Equal(clientLeaf, second.Server.PeerIdentity!.Certificate.RawData.ToArray());
        Assert.Equal("spiffe://test.example/client", second.Server.PeerIdentity!.SpiffeId);
        Assert.Equal(first.Server.PeerIdentity!.Subject, second.Server.PeerIdentity!.Subject);
    }

    /// <summary>Fills every request with 11 22 33 44 … (a server whose randomness a test controls).</summary>
    private sealed class PatternProvider : CryptoProvider
    {
        public override void FillRandom(Span<byte> destination)
        {
            for (int i = 0; i < destination.Length; i++) destination[i] = (byte)(0x11 * (i % 15 + 1));
        }
    }

    [Fact]
    public void TicketAgeAddComesFromTheServersProvider()
    {
        // ticket_age_add is "a securely generated, random 32-bit value" (RFC 8446 §4.6.1): the server's randomness.
        var (c, s, cache) = Options();
        s.Provider = new PatternProvider();
        using (Connect(c, s)) { }
        var ticket = cache.Take("localhost", DateTimeOffset.UtcNow);
        Assert.NotNull(ticket);
        Assert.Equal(BitConverter.ToUInt32([0x11, 0x22, 0x33, 0x44]), ticket.AgeAdd);
        // The server obfuscates and recovers the age with the same value: the ticket resumes.
        cache.Add(ticket);
        using var resumed = Connect(c, s);
        Assert.True(resumed.Server.Resumed);
    }

    [Fact]
    public void AServerWhoseTicketKeysWereDisposedConnectsWithoutIssuingTickets()
    {
        // Disposed keys are cleared (a derived key's secret too): nothing may be sealed or opened with them any more.
        var (c, s, cache) = Options(SessionTicketKeys.FromSecret(Enumerable.Repeat((byte)7, 32).ToArray()));
        using (Connect(c, s)) { }
        var ticket = cache.Take("localhost", DateTimeOffset.UtcNow);
        Assert.NotNull(ticket);
        s.SessionTicketKeys!.Dispose();
        cache.Add(ticket);
        using var after = Connect(c, s);
        Assert.False(after.Server.Resumed);
        after.ClientSends("still connected"u8);
        Assert.Equal("still connected"u8.ToArray(), after.ServerReceived.WrittenSpan.ToArray());
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TicketsAreNotUsedForAnotherServerName()
    {
        var (c, s, cache) = Options();
        using (Connect(c, s)) { }
        c.ServerName = "127.0.0.1";
        using var other = Connect(c, s);
        Assert.False(other.Client.Resumed);
    }

    [Fact]
    public void ExpiredTicketFallsBackToAFullHandshake()
    {
        var clock = new Clock(DateTimeOffset.UtcNow);
        var (c, s, _) = Options(SessionTicketKeys.CreateRandom(TimeSpan.FromDays(1), clock));
        s.TimeProvider = clock;
        c.TimeProvider = clock;
        s.TicketLifetime = TimeSpan.FromMinutes(5);
        using (Connect(c, s)) { }
        clock.Now += TimeSpan.FromMinutes(6);
        using var late = Connect(c, s);
        Assert.False(late.Client.Resumed);
        Assert.NotNull(late.Server.PeerSignatureScheme);
    }

    [Fact]
    public void TicketAgeOutsideTheToleranceFallsBackToAFullHandshake()
    {
        var serverClock = new Clock(DateTimeOffset.UtcNow);
        var clientClock = new Clock(serverClock.Now);
        var (c, s, cache) = Options(SessionTicketKeys.CreateRandom(TimeSpan.FromDays(1), serverClock));
        s.TimeProvider = serverClock;
        c.TimeProvider = clientClock;
        using (Connect(c, s)) { }
        // The client thinks a minute passed; the server knows it was an hour: the obfuscated age does not fit.
        clientClock.Now += TimeSpan.FromMinutes(1);
        serverClock.Now += TimeSpan.FromHours(1);
        using var skewed = Connect(c, s);
        Assert.False(skewed.Server.Resumed);
        Assert.False(skewed.Client.Resumed);
    }

    [Fact]
    public void TicketFromAnotherServerKeyFallsBackToAFullHandshake()
    {
        var (c, s, _) = Options();
        using (Connect(c, s)) { }
        s.SessionTicketKeys = SessionTicketKeys.CreateRandom(); // a restarted server with new keys
        using var again = Connect(c, s);
        Assert.False(again.Client.Resumed);
    }

    [Fact]
    public void ServersSharingATicketSecretResumeEachOthersTickets()
    {
        var secret = new byte[32];
        new Random(3).NextBytes(secret);
        var (c, s, _) = Options(SessionTicketKeys.FromSecret(secret));
        using (Connect(c, s)) { }
        var (_, other) = Loopback.MutualOptions();
        other.SessionTicketKeys = SessionTicketKeys.FromSecret(secret);
        using var resumed = Connect(c, other);
        Assert.True(resumed.Server.Resumed);
    }

    [Fact]
    public void ResumptionSurvivesHelloRetryRequest()
    {
        var (c, s, _) = Options();
        using (Connect(c, s)) { }
        c.Groups = [NamedGroup.X25519, NamedGroup.Secp384r1];
        s.Groups = [NamedGroup.Secp384r1];
        using var retried = Connect(c, s);
        Assert.True(retried.Client.HelloRetried);
        Assert.True(retried.Server.Resumed);
        Assert.True(retried.Client.Resumed);
        retried.ClientSends("after a retry"u8);
        Assert.Equal("after a retry"u8.ToArray(), retried.ServerReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void ATicketForAnotherHashGivesAFullHandshakeOnARecomputedTranscript()
    {
        // The client hashes its ClientHello under the SHA-256 ticket's hash for the binder; the server then picks a
        // SHA-384 suite, cannot take the ticket (RFC 8446 §4.2.11), and both sides hash the transcript afresh.
        var (c, s, cache) = Options();
        s.CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256];
        using (Connect(c, s)) { }
        Assert.Equal(1, cache.Count);
        s.CipherSuites = [CipherSuite.TLS_AES_256_GCM_SHA384];
        using var full = Connect(c, s);
        Assert.False(full.Server.Resumed);
        Assert.False(full.Client.Resumed);
        Assert.Equal(CipherSuite.TLS_AES_256_GCM_SHA384, full.Client.CipherSuite);
        full.ClientSends("after a refused ticket"u8);
        Assert.Equal("after a refused ticket"u8.ToArray(), full.ServerReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void ATicketResumesUnderAnotherSuiteOfTheSameHash()
    {
        // The client's Early Secret, taken under the ticket's suite for the binder, continues under the suite the
        // server selects (RFC 8446 §4.2.11: same hash): keys of the selected suite's length on both sides.
        var (c, s, _) = Options();
        s.CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256];
        using (Connect(c, s)) { }
        s.CipherSuites = [CipherSuite.TLS_CHACHA20_POLY1305_SHA256];
        using var resumed = Connect(c, s);
        Assert.True(resumed.Client.Resumed);
        Assert.True(resumed.Server.Resumed);
        Assert.Equal(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, resumed.Client.CipherSuite);
        resumed.ClientSends("under ChaCha20-Poly1305"u8);
        Assert.Equal("under ChaCha20-Poly1305"u8.ToArray(), resumed.ServerReceived.WrittenSpan.ToArray());
    }

    [Fact]
    public void ClientWhoseCertificateNoLongerValidatesGetsAFullHandshake()
    {
        var (c, s, _) = Options();
        using (Connect(c, s)) { }
        // The server stops trusting the client's CA: the ticket's identity is re-validated and refused.
        s.TrustAnchors = TestPki.Other.Anchors;
        var e = Loopback.ExpectFailure(c, s, out var loop);
        loop.Dispose();
        Assert.Equal(AlertDescription.UnknownCa, e.Alert);
    }

    [Fact]
    public void TamperedBinderFailsWithDecryptError()
    {
        var (c, s, _) = Options();
        using (Connect(c, s)) { }
        var client = TlsConnection.CreateClient(c);
        var server = TlsConnection.CreateServer(s);
        var w = new ArrayBufferWriter<byte>();
        client.Start(w);
        var hello = w.WrittenSpan.ToArray();
        // The ClientHello record comes first; its last byte is the end of the binder.
        int len = (hello[3] << 8) | hello[4];
        hello[5 + len - 1] ^= 1;
        var e = Assert.Throws<TlsAlertException>(() => server.Process(hello, new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.DecryptError, e.Alert);
    }

    [Fact]
    public void ServerSelectingAnIdentityNotOfferedFailsWithIllegalParameter()
    {
        var (c, s, _) = Options();
        using (Connect(c, s)) { }
        var f = new Flights((fc, fs) =>
        {
            fc.SessionTickets = c.SessionTickets;
            fs.SessionTicketKeys = s.SessionTicketKeys;
        });
        var flight = f.ServerFlight();
        var sh = ServerHello.Parse(flight[0].Bytes.AsSpan(9));
        Assert.True(sh.Extensions.Contains(ExtensionType.PreSharedKey));
        var changed = new ServerHello
        {
            Random = sh.Random,
            LegacySessionIdEcho = sh.LegacySessionIdEcho,
            CipherSuite = sh.CipherSuite,
            Extensions = new ExtensionList(sh.Extensions.Items.Select(x => x.Type == ExtensionType.PreSharedKey ? x with { Data = new byte[] { 0, 1 } } : x).ToList()),
        };
        var writer = new Codec.TlsWriter();
        changed.Write(writer);
        var e = Assert.Throws<TlsAlertException>(() => f.ToClient([new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, writer.WrittenSpan))]));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void TicketPskAndBinderMatchRfc8448()
    {
        // §3: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce 00 00, 32).
        var simple = Rfc8448Trace.Section(3);
        var resMaster = simple.Value(TraceRole.Server, "generate resumption secret", "PRK");
        using var keys = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        var psk = keys.TicketPsk(resMaster, [0, 0]);
        Assert.Equal(Convert.ToHexString(simple.Value(TraceRole.Server, "generate resumption secret", "expanded")), Convert.ToHexString(psk));

        // §4: the binder over the truncated ClientHello.
        var resumed = Rfc8448Trace.Section(4);
        using var early = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256, psk);
        Assert.Equal(Convert.ToHexString(resumed.Value(TraceRole.Client, "extract secret \"early\"", "secret")), Convert.ToHexString(early.CurrentSecret));
        var binderKey = early.BinderKey();
        Assert.Equal(Convert.ToHexString(resumed.Value(TraceRole.Client, "calculate PSK binder", "PRK")), Convert.ToHexString(binderKey));
        var prefix = resumed.Value(TraceRole.Client, "calculate PSK binder", "ClientHello prefix");
        var hash = System.Security.Cryptography.SHA256.HashData(prefix);
        Assert.Equal(Convert.ToHexString(resumed.Value(TraceRole.Client, "calculate PSK binder", "binder hash")), Convert.ToHexString(hash));
        var binder = early.FinishedVerifyData(binderKey, hash);
        Assert.Equal(Convert.ToHexString(resumed.Value(TraceRole.Client, "calculate PSK binder", "finished")), Convert.ToHexString(binder));

        // Our parser finds the same split: the record payload is the prefix followed by the binders list.
        var payload = resumed.Value(TraceRole.Client, "send handshake record", "payload");
        var ch = ClientHello.Parse(payload.AsSpan(4));
        var offered = PreSharedKeyExtension.ParseClientHello(ch.Extensions.Find(ExtensionType.PreSharedKey)!.Value);
        Assert.Equal(prefix.Length, payload.Length - offered.BindersLength);
        Assert.Equal(binder, offered.Binders[0]);
    }
}
