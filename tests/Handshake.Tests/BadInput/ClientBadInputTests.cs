using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests.BadInput;

/// <summary>Malformed and out-of-order server messages fed to the client in each state, with the exact alert expected.</summary>
public class ClientBadInputTests
{
    private static TlsAlertException ClientRejects(Flights f, IEnumerable<WireRecord> records) =>
        Assert.Throws<TlsAlertException>(() => f.ToClient(records));

    private static ServerHello ParseServerHello(WireRecord r) => ServerHello.Parse(r.Bytes.AsSpan(5 + 4));

    private static WireRecord Record(ServerHello sh)
    {
        var w = new TlsWriter();
        sh.Write(w);
        return new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, w.WrittenSpan));
    }

    private static ServerHello With(ServerHello sh, List<Extension>? extensions = null, byte[]? echo = null, CipherSuite? suite = null, ushort? version = null) => new()
    {
        LegacyVersion = version ?? sh.LegacyVersion,
        Random = sh.Random,
        LegacySessionIdEcho = echo ?? sh.LegacySessionIdEcho,
        CipherSuite = suite ?? sh.CipherSuite,
        Extensions = new ExtensionList(extensions ?? [.. sh.Extensions.Items]),
    };

    /// <summary>Sends a modified ServerHello as the first server record and checks the client's alert.</summary>
    private static void AssertServerHelloRejected(Func<ServerHello, ServerHello> change, AlertDescription expected, string? messagePart = null)
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var sh = change(ParseServerHello(flight[0]));
        var e = ClientRejects(f, [Record(sh)]);
        Assert.Equal(expected, e.Alert);
        Assert.False(e.ReceivedFromPeer);
        if (messagePart is not null) Assert.Contains(messagePart, e.Message);
    }

    [Fact]
    public void ServerHelloWithDuplicateExtensionFailsWithIllegalParameter() =>
        AssertServerHelloRejected(sh => With(sh, [.. sh.Extensions.Items, sh.Extensions.Items[0]]), AlertDescription.IllegalParameter, "duplicate");

    [Fact]
    public void ServerHelloWithoutSupportedVersionsFailsWithProtocolVersion() =>
        AssertServerHelloRejected(sh => With(sh, sh.Extensions.Items.Where(e => e.Type != ExtensionType.SupportedVersions).ToList()), AlertDescription.ProtocolVersion);

    [Fact]
    public void ServerHelloSelectingTls12FailsWithIllegalParameter() =>
        AssertServerHelloRejected(sh => With(sh, sh.Extensions.Items.Select(e => e.Type == ExtensionType.SupportedVersions ? e with { Data = new byte[] { 3, 3 } } : e).ToList()), AlertDescription.IllegalParameter);

    [Fact]
    public void ServerHelloWithSsl3LegacyVersionFailsWithProtocolVersion() =>
        AssertServerHelloRejected(sh => With(sh, version: 0x0300), AlertDescription.ProtocolVersion);

    [Fact]
    public void ServerHelloWithWrongLegacyVersionFailsWithProtocolVersion() =>
        AssertServerHelloRejected(sh => With(sh, version: 0x0304), AlertDescription.ProtocolVersion);

    [Fact]
    public void ServerHelloWithKeyShareForAGroupNotOfferedFailsWithIllegalParameter()
    {
        using var p384 = CryptoProvider.Default.GenerateKeyShare(NamedGroup.Secp384r1);
        var share = Encoded.Of(w => KeyShareExtension.WriteServerHello(w, NamedGroup.Secp384r1, p384.PublicKey));
        AssertServerHelloRejected(sh => With(sh, sh.Extensions.Items.Select(e => e.Type == ExtensionType.KeyShare ? e with { Data = share } : e).ToList()),
            AlertDescription.IllegalParameter, "no key share was offered");
    }

    [Fact]
    public void ServerHelloWithInvalidKeySharePointFailsWithIllegalParameter() =>
        AssertServerHelloRejected(sh => With(sh, sh.Extensions.Items.Select(e => e.Type == ExtensionType.KeyShare
            ? e with { Data = Encoded.Of(w => KeyShareExtension.WriteServerHello(w, NamedGroup.X25519, new byte[32])) } : e).ToList()), AlertDescription.IllegalParameter);

    [Fact]
    public void ServerHelloWithoutKeyShareFailsWithMissingExtension() =>
        AssertServerHelloRejected(sh => With(sh, sh.Extensions.Items.Where(e => e.Type != ExtensionType.KeyShare).ToList()), AlertDescription.MissingExtension);

    [Fact]
    public void ServerHelloWithSuiteNotOfferedFailsWithIllegalParameter()
    {
        var f = new Flights((c, s) => c.CipherSuites = [CipherSuite.TLS_AES_128_GCM_SHA256]);
        var sh = ParseServerHello(f.ServerFlight()[0]);
        var e = ClientRejects(f, [Record(With(sh, suite: CipherSuite.TLS_CHACHA20_POLY1305_SHA256))]);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void ServerHelloWithWrongSessionIdEchoFailsWithIllegalParameter() =>
        AssertServerHelloRejected(sh => With(sh, echo: new byte[32]), AlertDescription.IllegalParameter, "legacy_session_id_echo");

    [Fact]
    public void ServerHelloWithUnofferedExtensionFailsWithUnsupportedExtension() =>
        AssertServerHelloRejected(sh => With(sh, [.. sh.Extensions.Items, new Extension(ExtensionType.PreSharedKey, new byte[] { 0, 0 })]), AlertDescription.UnsupportedExtension);

    [Fact]
    public void ServerHelloWithExtensionNotAllowedThereFailsWithIllegalParameter() =>
        AssertServerHelloRejected(sh => With(sh, [.. sh.Extensions.Items, new Extension(ExtensionType.SignatureAlgorithms, new byte[] { 0, 2, 4, 3 })]), AlertDescription.IllegalParameter);

    [Fact]
    public void TruncatedServerHelloFailsWithDecodeError()
    {
        var f = new Flights();
        var sh = f.ServerFlight()[0].Bytes;
        var body = sh.AsSpan(5).ToArray();
        // The handshake header keeps its length but the body loses its last byte: the message is incomplete, so
        // present it with a corrected header length to test the parser's own bounds.
        var truncated = Flights.Message(HandshakeType.ServerHello, body.AsSpan(4, body.Length - 5));
        var e = ClientRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, truncated))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void ServerHelloWithTrailingBytesFailsWithDecodeError()
    {
        var f = new Flights();
        var body = f.ServerFlight()[0].Bytes.AsSpan(5 + 4).ToArray();
        var longer = Flights.Message(HandshakeType.ServerHello, [.. body, 0]);
        var e = ClientRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, longer))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void OverlongExtensionLengthFailsWithDecodeError()
    {
        var f = new Flights();
        var body = f.ServerFlight()[0].Bytes.AsSpan(5 + 4).ToArray();
        // legacy_version(2) random(32) session_id(1+32) suite(2) compression(1), then the extensions length.
        int at = 2 + 32 + 1 + body[34] + 2 + 1;
        body[at] = 0xFF;
        var e = ClientRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, Flights.Message(HandshakeType.ServerHello, body)))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void SecondHelloRetryRequestFailsWithUnexpectedMessage()
    {
        var f = new Flights((c, s) => { c.Groups = [NamedGroup.X25519, NamedGroup.Secp384r1]; s.Groups = [NamedGroup.Secp384r1]; });
        var hrr = f.ServerFlight().First(r => r.Type == ContentType.Handshake);
        Assert.True(ParseServerHello(hrr).IsHelloRetryRequest);
        f.ToClient([hrr]);
        var e = ClientRejects(f, [hrr]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
        Assert.Contains("second HelloRetryRequest", e.Message);
    }

    [Fact]
    public void HelloRetryRequestThatChangesNothingFailsWithIllegalParameter()
    {
        var f = new Flights((c, s) => { c.Groups = [NamedGroup.X25519, NamedGroup.Secp384r1]; s.Groups = [NamedGroup.Secp384r1]; s.HelloRetryCookie = false; });
        var hrr = ParseServerHello(f.ServerFlight().First(r => r.Type == ContentType.Handshake));
        var e = ClientRejects(f, [Record(With(hrr, hrr.Extensions.Items.Where(x => x.Type != ExtensionType.KeyShare).ToList()))]);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    [Fact]
    public void HelloRetryRequestForAGroupAlreadySharedFailsWithIllegalParameter()
    {
        var f = new Flights((c, s) => { c.Groups = [NamedGroup.X25519, NamedGroup.Secp384r1]; s.Groups = [NamedGroup.Secp384r1]; });
        var hrr = ParseServerHello(f.ServerFlight().First(r => r.Type == ContentType.Handshake));
        var changed = With(hrr, hrr.Extensions.Items.Select(x => x.Type == ExtensionType.KeyShare ? x with { Data = Encoded.Of(w => KeyShareExtension.WriteHelloRetryRequest(w, NamedGroup.X25519)) } : x).ToList());
        var e = ClientRejects(f, [Record(changed)]);
        Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
    }

    /// <summary>Replaces one message of the server's encrypted flight and checks the client's alert.</summary>
    private static TlsAlertException AssertProtectedFlightRejected(Func<List<byte[]>, List<byte[]>> change, AlertDescription expected, Action<TlsClientOptions, TlsServerOptions>? configure = null)
    {
        var f = new Flights(configure);
        var flight = f.ServerFlight();
        var messages = f.OpenHandshake(flight.Skip(2), fromServer: true);
        Assert.Equal([HandshakeType.EncryptedExtensions, HandshakeType.CertificateRequest, HandshakeType.Certificate, HandshakeType.CertificateVerify, HandshakeType.Finished],
            messages.Select(Flights.TypeOf));
        var e = ClientRejects(f, [flight[0], flight[1], f.SealHandshake(change(messages), fromServer: true)]);
        Assert.Equal(expected, e.Alert);
        return e;
    }

    private static List<byte[]> Replace(List<byte[]> messages, HandshakeType type, Func<byte[], byte[]> change) =>
        messages.Select(m => Flights.TypeOf(m) == type ? change(m) : m).ToList();

    [Fact]
    public void EncryptedExtensionsWithUnofferedExtensionFailsWithUnsupportedExtension() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.EncryptedExtensions, _ => Flights.Message(HandshakeType.EncryptedExtensions, [0, 4, 0, 42, 0, 0])), AlertDescription.UnsupportedExtension);

    [Fact]
    public void EncryptedExtensionsWithKeyShareFailsWithIllegalParameter() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.EncryptedExtensions, _ => Flights.Message(HandshakeType.EncryptedExtensions, [0, 6, 0, 51, 0, 2, 0, 29])), AlertDescription.IllegalParameter);

    [Fact]
    public void EncryptedExtensionsWithDuplicateExtensionFailsWithIllegalParameter() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.EncryptedExtensions, _ => Flights.Message(HandshakeType.EncryptedExtensions, [0, 12, 0, 28, 0, 2, 0x40, 0x01, 0, 28, 0, 2, 0x40, 0x01])), AlertDescription.IllegalParameter);

    [Fact]
    public void UnknownExtensionInEncryptedExtensionsFailsWithUnsupportedExtension() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.EncryptedExtensions, _ => Flights.Message(HandshakeType.EncryptedExtensions, [0, 4, 0xFA, 0xFA, 0, 0])), AlertDescription.UnsupportedExtension);

    [Fact]
    public void RecordSizeLimitBelow64FailsWithIllegalParameter() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.EncryptedExtensions, _ => Flights.Message(HandshakeType.EncryptedExtensions, [0, 6, 0, 28, 0, 2, 0, 63])), AlertDescription.IllegalParameter);

    [Fact]
    public void CertificateRequestWithoutSignatureAlgorithmsFailsWithMissingExtension() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.CertificateRequest, _ => Flights.Message(HandshakeType.CertificateRequest, [0, 0, 4, 0xFA, 0xFA, 0, 0])), AlertDescription.MissingExtension);

    [Fact]
    public void CertificateRequestWithNonEmptyContextFailsWithIllegalParameter() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.CertificateRequest, cr => Flights.Message(HandshakeType.CertificateRequest, [1, 7, .. cr.AsSpan(5)])), AlertDescription.IllegalParameter);

    [Fact]
    public void EmptyServerCertificateFailsWithDecodeError() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.Certificate, _ => Flights.Message(HandshakeType.Certificate, [0, 0, 0, 0])), AlertDescription.DecodeError);

    [Fact]
    public void CertificateListLengthPastTheMessageFailsWithDecodeError() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.Certificate, c =>
        {
            var copy = c.ToArray();
            copy[5 + 2] = (byte)(copy[5 + 2] + 1); // certificate_list length one larger than the data
            return copy;
        }), AlertDescription.DecodeError);

    [Fact]
    public void GarbageCertificateFailsWithBadCertificate() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.Certificate, _ => Flights.Message(HandshakeType.Certificate, [0, 0, 0, 9, 0, 0, 4, 0x30, 0x02, 0x01, 0x00, 0, 0])), AlertDescription.BadCertificate);

    [Fact]
    public void CertificateVerifyWithSchemeNotOfferedFailsWithIllegalParameter()
    {
        var e = AssertProtectedFlightRejected(m => Replace(m, HandshakeType.CertificateVerify, cv =>
        {
            var copy = cv.ToArray();
            copy[4] = 0x04;
            copy[5] = 0x01; // rsa_pkcs1_sha256: never allowed in CertificateVerify
            return copy;
        }), AlertDescription.IllegalParameter);
        Assert.Contains("not offered", e.Message);
    }

    [Fact]
    public void CertificateVerifyWithSchemeThatDoesNotFitTheKeyFailsWithIllegalParameter() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.CertificateVerify, cv =>
        {
            var copy = cv.ToArray();
            copy[4] = 0x08;
            copy[5] = 0x07; // ed25519 for an ECDSA P-256 certificate
            return copy;
        }), AlertDescription.IllegalParameter);

    [Fact]
    public void CertificateVerifyWithBadSignatureFailsWithDecryptError() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.CertificateVerify, cv =>
        {
            var copy = cv.ToArray();
            copy[^3] ^= 0x40;
            return copy;
        }), AlertDescription.DecryptError);

    [Fact]
    public void BadFinishedFailsWithDecryptError() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.Finished, fin =>
        {
            var copy = fin.ToArray();
            copy[10] ^= 1;
            return copy;
        }), AlertDescription.DecryptError);

    [Fact]
    public void FinishedOfWrongLengthFailsWithDecodeError() =>
        AssertProtectedFlightRejected(m => Replace(m, HandshakeType.Finished, fin => Flights.Message(HandshakeType.Finished, fin.AsSpan(4, 20))), AlertDescription.DecodeError);

    [Fact]
    public void MissingCertificateVerifyFailsWithUnexpectedMessage() =>
        AssertProtectedFlightRejected(m => m.Where(x => Flights.TypeOf(x) != HandshakeType.CertificateVerify).ToList(), AlertDescription.UnexpectedMessage);

    [Fact]
    public void MissingCertificateFailsWithUnexpectedMessage() =>
        AssertProtectedFlightRejected(m => m.Where(x => Flights.TypeOf(x) != HandshakeType.Certificate).ToList(), AlertDescription.UnexpectedMessage);

    [Fact]
    public void DuplicatedEncryptedExtensionsFailsWithUnexpectedMessage() =>
        AssertProtectedFlightRejected(m => [m[0], .. m], AlertDescription.UnexpectedMessage);

    [Fact]
    public void ReorderedCertificateAndRequestFailsWithUnexpectedMessage() =>
        AssertProtectedFlightRejected(m => [m[0], m[2], m[1], m[3], m[4]], AlertDescription.UnexpectedMessage);

    [Fact]
    public void UnknownHandshakeTypeFailsWithUnexpectedMessage() =>
        AssertProtectedFlightRejected(m => [m[0], Flights.Message((HandshakeType)99, [1, 2, 3]), .. m.Skip(1)], AlertDescription.UnexpectedMessage);

    [Fact]
    public void ServerHelloInsideProtectedFlightFailsWithUnexpectedMessage() =>
        AssertProtectedFlightRejected(m => [Flights.Message(HandshakeType.ServerHello, new byte[40]), .. m], AlertDescription.UnexpectedMessage);

    [Fact]
    public void PlaintextHandshakeRecordAfterKeysFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var messages = f.OpenHandshake(flight.Skip(2), fromServer: true);
        var plain = new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, messages[0]));
        var e = ClientRejects(f, [flight[0], plain]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
        Assert.Contains("plaintext", e.Message);
    }

    [Fact]
    public void ServerHelloCoalescedWithMoreHandshakeDataFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var sh = f.ServerFlight()[0].Bytes.AsSpan(5).ToArray();
        // ServerHello and the start of another message in one plaintext record: data spans the key change (RFC 8446 §5.1).
        var both = WireRecord.Plaintext(ContentType.Handshake, [.. sh, 8, 0, 0, 2, 0, 0]);
        var e = ClientRejects(f, [new WireRecord(ContentType.Handshake, both)]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
        Assert.Contains("key change", e.Message);
    }

    [Fact]
    public void OversizedRecordFailsWithRecordOverflow()
    {
        var f = new Flights();
        f.ServerFlight();
        var header = new byte[] { 23, 3, 3, 0x41, 0x01 };
        var e = Assert.Throws<TlsAlertException>(() => f.Client.Process(header, new System.Buffers.ArrayBufferWriter<byte>(), new System.Buffers.ArrayBufferWriter<byte>(), out _));
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void OversizedPlaintextRecordFailsWithRecordOverflow()
    {
        var f = new Flights();
        f.ServerFlight();
        var e = ClientRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, new byte[16385]))]);
        Assert.Equal(AlertDescription.RecordOverflow, e.Alert);
    }

    [Fact]
    public void InnerPlaintextOfOnlyPaddingFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var onlyPadding = f.SealHandshake([[]], fromServer: true, type: ContentType.Invalid, padding: 16);
        var e = ClientRejects(f, [flight[0], onlyPadding]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
        Assert.Contains("padding", e.Message);
    }

    [Fact]
    public void ZeroLengthProtectedHandshakeRecordFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var empty = f.SealHandshake([[]], fromServer: true, padding: 3);
        var e = ClientRejects(f, [flight[0], empty]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void ApplicationDataUnderHandshakeKeysFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var data = f.SealHandshake([[1, 2, 3]], fromServer: true, type: ContentType.ApplicationData);
        var e = ClientRejects(f, [flight[0], data]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void CorruptedProtectedRecordFailsWithBadRecordMac()
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var bad = flight[2].Bytes.ToArray();
        bad[20] ^= 1;
        var e = ClientRejects(f, [flight[0], flight[1], new WireRecord(ContentType.ApplicationData, bad)]);
        Assert.Equal(AlertDescription.BadRecordMac, e.Alert);
    }

    [Fact]
    public void ChangeCipherSpecWithWrongValueFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        var flight = f.ServerFlight();
        var e = ClientRejects(f, [flight[0], new WireRecord(ContentType.ChangeCipherSpec, WireRecord.Plaintext(ContentType.ChangeCipherSpec, [2]))]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void ZeroLengthPlaintextHandshakeRecordFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        f.ClientHello();
        var e = ClientRejects(f, [new WireRecord(ContentType.Handshake, WireRecord.Plaintext(ContentType.Handshake, []))]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void AlertRecordOfThreeBytesFailsWithDecodeError()
    {
        var f = new Flights();
        f.ClientHello();
        var e = ClientRejects(f, [new WireRecord(ContentType.Alert, WireRecord.Plaintext(ContentType.Alert, [2, 40, 0]))]);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void PeerAlertSurfacesAsReceivedAlert()
    {
        var f = new Flights();
        f.ClientHello();
        var e = ClientRejects(f, [new WireRecord(ContentType.Alert, WireRecord.Plaintext(ContentType.Alert, [2, 40]))]);
        Assert.Equal(AlertDescription.HandshakeFailure, e.Alert);
        Assert.True(e.ReceivedFromPeer);
    }

    [Fact]
    public void ApplicationDataBeforeKeysFailsWithUnexpectedMessage()
    {
        var f = new Flights();
        f.ClientHello();
        var e = ClientRejects(f, [new WireRecord(ContentType.ApplicationData, WireRecord.Plaintext(ContentType.ApplicationData, [1, 2, 3]))]);
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    [Fact]
    public void AFailedConnectionSendsItsAlertAndStaysFailed()
    {
        var f = new Flights();
        f.ClientHello();
        var transmit = new System.Buffers.ArrayBufferWriter<byte>();
        var bad = WireRecord.Plaintext(ContentType.ApplicationData, [1]);
        Assert.Throws<TlsAlertException>(() => f.Client.Process(bad, transmit, new System.Buffers.ArrayBufferWriter<byte>(), out _));
        var alert = WireRecord.Split(transmit.WrittenSpan).Single();
        Assert.Equal(ContentType.Alert, alert.Type);
        Assert.Equal([2, (byte)AlertDescription.UnexpectedMessage], alert.Bytes[5..]);
        Assert.Equal(TlsConnectionState.Failed, f.Client.State);
        var again = Assert.Throws<TlsAlertException>(() => f.Client.Process(bad, transmit, new System.Buffers.ArrayBufferWriter<byte>(), out _));
        Assert.Same(f.Client.Failure, again);
    }
}
