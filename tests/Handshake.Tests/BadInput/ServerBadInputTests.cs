using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests.BadInput;

/// <summary>Malformed and out-of-order client messages fed to the server in each state, with the exact alert expected.</summary>
public class ServerBadInputTests
{
    private static TlsAlertException ServerRejects(Flights f, IEnumerable<WireRecord> records) =>
        Assert.Throws<TlsAlertException>(() => f.ToServer(records));

    private static ClientHello ParseClientHello(WireRecord r) => ClientHello.Parse(r.Bytes.AsSpan(5 + 4));

    private static WireRecord Record(ClientHello ch, ushort recordVersion = 0x0301)
    {
        var w = new TlsWriter();
        ch.Write(w);
        return new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, w.WrittenSpan, recordVersion));
    }

    private static ClientHello With(ClientHello ch, List<Extension>? extensions = null, ushort? version = null, byte[]? compression = null, CipherSuite[]? suites = null) => new()
    {
        LegacyVersion = version ?? ch.LegacyVersion,
        Random = ch.Random,
        LegacySessionId = ch.LegacySessionId,
        CipherSuites = suites ?? ch.CipherSuites,
        LegacyCompressionMethods = compression ?? ch.LegacyCompressionMethods,
        Extensions = new ExtensionList(extensions ?? [.. ch.Extensions.Items]),
    };

    private static List<Extension> Without(ClientHello ch, ExtensionType type) => ch.Extensions.Items.Where(e => e.Type != type).ToList();

    private static List<Extension> Replacing(ClientHello ch, ExtensionType type, byte[] data) =>
        ch.Extensions.Items.Select(e => e.Type == type ? e with { Data = data } : e).ToList();

    private static TlsAlertException AssertClientHelloRejected(Func<ClientHello, ClientHello> change, AlertDescription expected)
    {
        var f = new Flights();
        var ch = ParseClientHello(f.ClientHello()[0]);
        var e = ServerRejects(f, [Record(change(ch))]);
        Assert.Equal(expected, e.Alert);
        Assert.False(e.ReceivedFromPeer);
        return e;
    }

    [Fact]
    public void UnmodifiedClientHelloIsAccepted()
    {
        var f = new Flights();
        var ch = ParseClientHello(f.ClientHello()[0]);
        var reply = f.ToServer([Record(With(ch))]);
        Assert.Equal(ContentType.Handshake, reply[0].Type);
    }

    [Fact]
    public void ClientHelloWithoutSupportedVersionsFailsWithProtocolVersion() =>
        AssertClientHelloRejected(ch => With(ch, Without(ch, ExtensionType.SupportedVersions)), AlertDescription.ProtocolVersion);

    [Fact]
    public void ClientHelloOfferingOnlyTls12FailsWithProtocolVersion() =>
        AssertClientHelloRejected(ch => With(ch, Replacing(ch, ExtensionType.SupportedVersions, [2, 3, 3])), AlertDescription.ProtocolVersion);

    [Fact]
    public void ClientHelloWithoutExtensionsFailsWithProtocolVersion()
    {
        var f = new Flights();
        var ch = ParseClientHello(f.ClientHello()[0]);
        var w = new TlsWriter();
        int at = HandshakeHeader.Begin(w, HandshakeType.ClientHello);
        w.WriteU16(0x0303);
        w.WriteBytes(ch.Random.Span);
        w.WriteVector8([]);
        w.WriteVector16([0x13, 0x01]);
        w.WriteVector8([0]);
        w.EndVector24(at);
        var e = ServerRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, w.WrittenSpan))]);
        Assert.Equal(AlertDescription.ProtocolVersion, e.Alert);
    }

    [Fact]
    public void ClientHelloWithSsl3LegacyVersionFailsWithProtocolVersion() =>
        AssertClientHelloRejected(ch => With(ch, version: 0x0300), AlertDescription.ProtocolVersion);

    [Fact]
    public void ClientHelloLegacyVersionIsNotUsedForNegotiation()
    {
        // RFC 8446 §4.2.1: with supported_versions present, legacy_version must not decide the version.
        var f = new Flights();
        var ch = ParseClientHello(f.ClientHello()[0]);
        var reply = f.ToServer([Record(With(ch, version: 0x0301))]);
        Assert.Equal(ContentType.Handshake, reply[0].Type);
    }

    [Fact]
    public void ClientHelloWithDuplicateExtensionFailsWithIllegalParameter() =>
        AssertClientHelloRejected(ch => With(ch, [ch.Extensions.Items[0], .. ch.Extensions.Items]), AlertDescription.IllegalParameter);

    [Fact]
    public void ClientHelloWithExtensionNotAllowedInItFailsWithIllegalParameter() =>
        AssertClientHelloRejected(ch => With(ch, [new Extension(ExtensionType.OidFilters, new byte[] { 0, 0 }), .. ch.Extensions.Items]), AlertDescription.IllegalParameter);

    [Fact]
    public void UnknownClientHelloExtensionsAreIgnored()
    {
        // GREASE-style values (RFC 8701) must not disturb the handshake.
        var f = new Flights();
        var ch = ParseClientHello(f.ClientHello()[0]);
        var reply = f.ToServer([Record(With(ch, [new Extension((ExtensionType)0x0A0A, ReadOnlyMemory<byte>.Empty), .. ch.Extensions.Items, new Extension((ExtensionType)0xFAFA, new byte[] { 0 })]))]);
        Assert.Equal(ContentType.Handshake, reply[0].Type);
    }

    [Fact]
    public void KeyShareForGroupNotInSupportedGroupsFailsWithIllegalParameter() =>
        AssertClientHelloRejected(ch => With(ch, Replacing(ch, ExtensionType.SupportedGroups, Encoded.Of(w => U16ListExtension.Write(w, [NamedGroup.Secp256r1])))), AlertDescription.IllegalParameter);

    [Fact]
    public void KeyShareOfWrongLengthFailsWithIllegalParameter()
    {
        using var share = CryptoProvider.Default.GenerateKeyShare(NamedGroup.Secp256r1);
        var w = new TlsWriter();
        int at = w.BeginVector16();
        w.WriteU16((ushort)NamedGroup.X25519);
        w.WriteVector16(share.PublicKey);
        w.EndVector16(at);
        AssertClientHelloRejected(ch => With(ch, Replacing(ch, ExtensionType.KeyShare, w.ToArray())), AlertDescription.IllegalParameter);
    }

    [Fact]
    public void TwoKeySharesForOneGroupFailWithIllegalParameter()
    {
        using var share = CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519);
        AssertClientHelloRejected(ch => With(ch, Replacing(ch, ExtensionType.KeyShare, Encoded.Of(w => KeyShareExtension.WriteClientHello(w, [share, share])))), AlertDescription.IllegalParameter);
    }

    [Fact]
    public void NonNullCompressionFailsWithIllegalParameter() =>
        AssertClientHelloRejected(ch => With(ch, compression: [1, 0]), AlertDescription.IllegalParameter);

    [Fact]
    public void MissingSignatureAlgorithmsFailsWithMissingExtension() =>
        AssertClientHelloRejected(ch => With(ch, Without(ch, ExtensionType.SignatureAlgorithms)), AlertDescription.MissingExtension);

    [Fact]
    public void KeyShareWithoutSupportedGroupsFailsWithMissingExtension() =>
        AssertClientHelloRejected(ch => With(ch, Without(ch, ExtensionType.SupportedGroups)), AlertDescription.MissingExtension);

    [Fact]
    public void PreSharedKeyNotLastFailsWithIllegalParameter() =>
        AssertClientHelloRejected(ch => With(ch, [new Extension(ExtensionType.PreSharedKey, new byte[] { 0, 0, 0, 0 }), .. ch.Extensions.Items]), AlertDescription.IllegalParameter);

    [Fact]
    public void NoCommonSignatureSchemeFailsWithHandshakeFailure() =>
        AssertClientHelloRejected(ch => With(ch, Replacing(ch, ExtensionType.SignatureAlgorithms, Encoded.Of(w => U16ListExtension.Write(w, [SignatureScheme.Ed25519])))), AlertDescription.HandshakeFailure);

    [Fact]
    public void OddCipherSuitesLengthFailsWithDecodeError()
    {
        var f = new Flights();
        var body = f.ClientHello()[0].Bytes.AsSpan(5 + 4).ToArray();
        int at = 2 + 32 + 1 + body[34];
        body[at + 1] |= 1; // make the cipher_suites length odd
        var e = ServerRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, Flights.Message(HandshakeType.ClientHello, body)))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void TruncatedClientHelloFailsWithDecodeError()
    {
        var f = new Flights();
        var body = f.ClientHello()[0].Bytes.AsSpan(5 + 4).ToArray();
        var e = ServerRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, Flights.Message(HandshakeType.ClientHello, body.AsSpan(0, body.Length - 3))))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void OverlongSessionIdFailsWithDecodeError()
    {
        var f = new Flights();
        var body = f.ClientHello()[0].Bytes.AsSpan(5 + 4).ToArray();
        body[34] = 33;
        var e = ServerRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, Flights.Message(HandshakeType.ClientHello, body)))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void HandshakeMessageOverTheSizeLimitIsRefusedFromItsHeader()
    {
        var f = new Flights();
        f.ClientHello();
        // Only the 4-byte header of a 1 MiB ClientHello arrives: refused at once, nothing buffered.
        var e = ServerRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, [1, 0x10, 0, 0]))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void MessageOtherThanClientHelloFirstFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var e = ServerRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, Flights.Message(HandshakeType.Finished, new byte[32])))]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void ChangeCipherSpecBeforeClientHelloFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var e = ServerRejects(f, [new WireRecord(ContentType.ChangeCipherSpec, WireRecord.Plaintext(ContentType.ChangeCipherSpec, [1]))]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void SecondClientHelloWithoutRetryFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var hello = f.ClientHello();
        f.ToServer(hello);
        // The second ClientHello arrives as plaintext after the server installed its keys.
        var e = ServerRejects(f, [hello[0]]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    private static Flights RetryFlights() => new((c, s) =>
    {
        c.Groups = [NamedGroup.X25519, NamedGroup.Secp384r1];
        s.Groups = [NamedGroup.Secp384r1];
    });

    [Fact]
    public void SecondClientHelloWithoutTheCookieFailsWithMissingExtension()
    {
        var f = RetryFlights();
        var first = f.ClientHello();
        var hrr = f.ToServer(first).First(r => r.Type == ContentType.Handshake);
        var second = ParseClientHello(f.ToClient([hrr]).First(r => r.Type == ContentType.Handshake));
        var e = ServerRejects(f, [Record(With(second, Without(second, ExtensionType.Cookie)), 0x0303)]);
        Assert.Equal(AlertDescription.MissingExtension, e.Alert);
    }

    [Fact]
    public void SecondClientHelloWithAChangedCookieFailsWithIllegalParameter()
    {
        var f = RetryFlights();
        var hrr = f.ToServer(f.ClientHello()).First(r => r.Type == ContentType.Handshake);
        var second = ParseClientHello(f.ToClient([hrr]).First(r => r.Type == ContentType.Handshake));
        var e = ServerRejects(f, [Record(With(second, Replacing(second, ExtensionType.Cookie, Encoded.Of(w => CookieExtension.Write(w, new byte[32])))), 0x0303)]);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void SecondClientHelloWithShareForAnotherGroupFailsWithIllegalParameter()
    {
        var f = RetryFlights();
        var first = f.ClientHello();
        var hrr = f.ToServer(first).First(r => r.Type == ContentType.Handshake);
        var second = ParseClientHello(f.ToClient([hrr]).First(r => r.Type == ContentType.Handshake));
        var firstShares = ParseClientHello(first[0]).Extensions.Find(ExtensionType.KeyShare)!.Value.ToArray();
        var e = ServerRejects(f, [Record(With(second, Replacing(second, ExtensionType.KeyShare, firstShares)), 0x0303)]);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void SecondClientHelloDroppingTheChosenSuiteFailsWithIllegalParameter()
    {
        var f = RetryFlights();
        var hrr = f.ToServer(f.ClientHello()).First(r => r.Type == ContentType.Handshake);
        var second = ParseClientHello(f.ToClient([hrr]).First(r => r.Type == ContentType.Handshake));
        var e = ServerRejects(f, [Record(With(second, suites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]), 0x0303)]);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    /// <summary>Replaces one message of the client's encrypted second flight and checks the server's alert.</summary>
    private static TlsAlertException AssertClientFlightRejected(Func<List<byte[]>, List<byte[]>> change, AlertDescription expected, Action<TlsClientOptions, TlsServerOptions>? configure = null)
    {
        var f = new Flights(configure);
        var clientFlight = f.ToClient(f.ServerFlight());
        var messages = f.OpenHandshake(clientFlight, fromServer: false);
        var e = ServerRejects(f, [f.SealHandshake(change(messages), fromServer: false)]);
        Assert.Equal(expected, e.Alert);
        return e;
    }

    private static List<byte[]> Replace(List<byte[]> messages, HandshakeType type, Func<byte[], byte[]> change) =>
        messages.Select(m => Flights.TypeOf(m) == type ? change(m) : m).ToList();

    [Fact]
    public void ClientFlightIsCertificateVerifyAndFinished()
    {
        var f = new Flights();
        var messages = f.OpenHandshake(f.ToClient(f.ServerFlight()), fromServer: false);
        Assert.Equal([HandshakeType.Certificate, HandshakeType.CertificateVerify, HandshakeType.Finished], messages.Select(Flights.TypeOf));
        // Resealed unchanged, it is accepted: the harness itself changes nothing.
        f.ToServer([f.SealHandshake(messages, fromServer: false)]);
        Assert.True(f.Server.IsHandshakeComplete);
    }

    [Fact]
    public void ClientCertificateVerifyWithSchemeNotOfferedFailsWithIllegalParameter() =>
        AssertClientFlightRejected(m => Replace(m, HandshakeType.CertificateVerify, cv =>
        {
            var copy = cv.ToArray();
            copy[4] = 0x05;
            copy[5] = 0x03; // ecdsa_secp384r1_sha384, not offered by this server
            return copy;
        }), AlertDescription.IllegalParameter, (c, s) => s.SignatureSchemes = [SignatureScheme.EcdsaSecp256r1Sha256]);

    [Fact]
    public void ClientCertificateVerifyWithBadSignatureFailsWithDecryptError() =>
        AssertClientFlightRejected(m => Replace(m, HandshakeType.CertificateVerify, cv =>
        {
            var copy = cv.ToArray();
            copy[^2] ^= 0x10;
            return copy;
        }), AlertDescription.DecryptError);

    [Fact]
    public void ClientFinishedMismatchFailsWithDecryptError() =>
        AssertClientFlightRejected(m => Replace(m, HandshakeType.Finished, fin =>
        {
            var copy = fin.ToArray();
            copy[^1] ^= 1;
            return copy;
        }), AlertDescription.DecryptError);

    [Fact]
    public void ClientFinishedWithoutCertificateFailsWithUnexpectedMessage() =>
        AssertClientFlightRejected(m => m.Where(x => Flights.TypeOf(x) == HandshakeType.Finished).ToList(), AlertDescription.UnexpectedMessage);

    [Fact]
    public void ClientCertificateWithoutCertificateVerifyFailsWithUnexpectedMessage() =>
        AssertClientFlightRejected(m => m.Where(x => Flights.TypeOf(x) != HandshakeType.CertificateVerify).ToList(), AlertDescription.UnexpectedMessage);

    [Fact]
    public void ClientCertificateWithContextFailsWithIllegalParameter() =>
        AssertClientFlightRejected(m => Replace(m, HandshakeType.Certificate, c => Flights.Message(HandshakeType.Certificate, [1, 9, .. c.AsSpan(5)])), AlertDescription.IllegalParameter);

    [Fact]
    public void ClientCertificateEntryWithUnrequestedExtensionFailsWithUnsupportedExtension() =>
        AssertClientFlightRejected(m => Replace(m, HandshakeType.Certificate, c =>
        {
            // Append a signed_certificate_timestamp extension to the last entry (not requested in CertificateRequest).
            var body = c.AsSpan(4).ToArray();
            var list = new List<byte>(body);
            list.RemoveRange(list.Count - 2, 2);
            list.AddRange(new byte[] { 0, 4, 0, 18, 0, 0 });
            int listLen = list.Count - 1 - 3;
            list[1] = (byte)(listLen >> 16);
            list[2] = (byte)(listLen >> 8);
            list[3] = (byte)listLen;
            return Flights.Message(HandshakeType.Certificate, list.ToArray());
        }), AlertDescription.UnsupportedExtension);

    [Fact]
    public void ClientNewSessionTicketAfterHandshakeFailsWithUnexpectedMessage()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        // The client sends a NewSessionTicket under its application key: only servers may send it.
        var nst = Flights.Message(HandshakeType.NewSessionTicket, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0]);
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        loop.Client.Records.Write(ContentType.Handshake, nst, w);
        var e = Assert.Throws<TlsAlertException>(() => loop.Server.Process(w.WrittenMemory, new System.Buffers.ArrayBufferWriter<byte>(), new System.Buffers.ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void KeyUpdateWithInvalidRequestValueFailsWithIllegalParameter()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        loop.Client.Records.Write(ContentType.Handshake, Flights.Message(HandshakeType.KeyUpdate, [2]), w);
        var e = Assert.Throws<TlsAlertException>(() => loop.Server.Process(w.WrittenMemory, new System.Buffers.ArrayBufferWriter<byte>(), new System.Buffers.ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void KeyUpdateFloodFailsWithUnexpectedMessage()
    {
        var (c, s) = Loopback.MutualOptions();
        s.Limits.MaxKeyUpdatesWithoutData = 4;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var e = Assert.Throws<TlsAlertException>(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                var w = new System.Buffers.ArrayBufferWriter<byte>();
                loop.Client.UpdateKeys(w, requestPeer: false);
                loop.Server.Process(w.WrittenMemory, new System.Buffers.ArrayBufferWriter<byte>(), new System.Buffers.ArrayBufferWriter<byte>(), out _);
            }
        });
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
        Assert.Contains("MaxKeyUpdatesWithoutData", e.Message);
    }

    [Fact]
    public void EmptyRecordFloodFailsWithUnexpectedMessage()
    {
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        for (int i = 0; i < 40; i++) loop.Client.Records.Write(ContentType.ApplicationData, [], w);
        var e = Assert.Throws<TlsAlertException>(() => loop.Server.Process(w.WrittenMemory, new System.Buffers.ArrayBufferWriter<byte>(), new System.Buffers.ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void TooManyHandshakeRecordsFailsWithUnexpectedMessage()
    {
        var f = new Flights((c, s) => s.Limits.MaxHandshakeRecords = 8);
        var body = f.ClientHello()[0].Bytes.AsSpan(5).ToArray();
        // The ClientHello trickled one byte per record.
        var records = body.Select(b => new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, [b]))).ToList();
        var e = ServerRejects(f, records);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
        Assert.Contains("MaxHandshakeRecords", e.Message);
    }

    [Fact]
    public void ClientHelloFragmentedAcrossRecordsIsJoined()
    {
        var f = new Flights();
        var body = f.ClientHello()[0].Bytes.AsSpan(5).ToArray();
        var records = body.Chunk(50).Select(part => new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, part))).ToList();
        var reply = f.ToServer(records);
        Assert.Equal(ContentType.Handshake, reply[0].Type);
    }
}

/// <summary>Record-type interleaving rules of RFC 8446 §5.1.</summary>
public class InterleavingTests
{
    [Fact]
    public void ChangeCipherSpecInsideAFragmentedClientHelloFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var body = f.ClientHello()[0].Bytes.AsSpan(5).ToArray();
        var records = new List<WireRecord>
        {
            new(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, body.AsSpan(0, 40))),
            new(ContentType.ChangeCipherSpec, WireRecord.Plaintext(ContentType.ChangeCipherSpec, [1])),
            new(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, body.AsSpan(40))),
        };
        var e = Assert.Throws<TlsAlertException>(() => f.ToServer(records));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void AlertInsideAFragmentedClientHelloFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var body = f.ClientHello()[0].Bytes.AsSpan(5).ToArray();
        var records = new List<WireRecord>
        {
            new(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, body.AsSpan(0, 40))),
            new(ContentType.Alert, WireRecord.Plaintext(ContentType.Alert, [1, 90])),
        };
        var e = Assert.Throws<TlsAlertException>(() => f.ToServer(records));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }
}
