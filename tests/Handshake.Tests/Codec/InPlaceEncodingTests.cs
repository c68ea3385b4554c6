using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>
/// Extensions we send are written straight into the message writer: each encoder's output parses back with the
/// matching decoder, and the messages built in place carry the extensions they always did, in the same order.
/// </summary>
public class InPlaceEncodingTests
{
    private static ClientHello SentClientHello(TlsClientOptions options)
    {
        using var connection = TlsConnection.CreateClient(options);
        var records = new System.Buffers.ArrayBufferWriter<byte>();
        connection.Start(records);
        int length = (records.WrittenSpan[3] << 8) | records.WrittenSpan[4];
        byte[] message = records.WrittenSpan.Slice(5, length).ToArray();
        Assert.Equal((byte)HandshakeType.ClientHello, message[0]);
        Assert.Equal(message.Length - 4, (message[1] << 16) | (message[2] << 8) | message[3]);
        return ClientHello.Parse(message.AsSpan(4), message);
    }

    [Fact]
    public void ClientHelloCarriesEveryExtensionInOrderWithItsValue()
    {
        var (client, _) = Loopback.MutualOptions();
        client.ApplicationProtocols = ["h2", "http/1.1"];
        client.RecordSizeLimit = 4096;
        var hello = SentClientHello(client);

        Assert.Equal(
            [ExtensionType.ServerName, ExtensionType.SupportedGroups, ExtensionType.SignatureAlgorithms, ExtensionType.SignatureAlgorithmsCert,
             ExtensionType.ApplicationLayerProtocolNegotiation, ExtensionType.RecordSizeLimit, ExtensionType.StatusRequest,
             ExtensionType.SupportedVersions, ExtensionType.PskKeyExchangeModes, ExtensionType.KeyShare],
            hello.Extensions.Items.Select(e => e.Type));
        Assert.Equal(0x0303, hello.LegacyVersion);
        Assert.Equal(32, hello.LegacySessionId.Length);
        Assert.Equal([0], hello.LegacyCompressionMethods);
        Assert.Equal(client.CipherSuites, hello.CipherSuites);
        Assert.Equal("localhost", ServerNameExtension.ParseClientHello(hello.Extensions.Find(ExtensionType.ServerName)!.Value));
        Assert.Equal(client.Groups, U16ListExtension.Parse<NamedGroup>(hello.Extensions.Find(ExtensionType.SupportedGroups)!.Value, "groups"));
        Assert.Equal(["h2"u8.ToArray(), "http/1.1"u8.ToArray()],
            AlpnExtension.Parse(hello.Extensions.Find(ExtensionType.ApplicationLayerProtocolNegotiation)!.Value, "alpn"));
        Assert.Equal(4096, RecordSizeLimitExtension.Parse(hello.Extensions.Find(ExtensionType.RecordSizeLimit)!.Value, "rsl"));
        Assert.True(StatusRequestExtension.ParseClientHello(hello.Extensions.Find(ExtensionType.StatusRequest)!.Value));
        Assert.Equal([SupportedVersionsExtension.Tls13], SupportedVersionsExtension.ParseClientHello(hello.Extensions.Find(ExtensionType.SupportedVersions)!.Value));
        Assert.Equal([PskKeyExchangeModesExtension.PskDheKe], PskKeyExchangeModesExtension.Parse(hello.Extensions.Find(ExtensionType.PskKeyExchangeModes)!.Value));
        var share = Assert.Single(KeyShareExtension.ParseClientHello(hello.Extensions.Find(ExtensionType.KeyShare)!.Value));
        Assert.Equal(client.Groups[0], share.Group);
    }

    [Fact]
    public void ClientHelloLeavesOutOptionalExtensionsThatAreOff()
    {
        var (client, _) = Loopback.MutualOptions();
        client.ServerName = "192.0.2.1";
        client.Revocation.Ocsp = OcspPolicy.Off;
        var hello = SentClientHello(client);
        Assert.False(hello.Extensions.Contains(ExtensionType.ServerName));
        Assert.False(hello.Extensions.Contains(ExtensionType.ApplicationLayerProtocolNegotiation));
        Assert.False(hello.Extensions.Contains(ExtensionType.StatusRequest));
        Assert.False(hello.Extensions.Contains(ExtensionType.PreSharedKey));
        Assert.False(hello.Extensions.Contains(ExtensionType.Cookie));
    }

    [Fact]
    public void EncodersRoundTripThroughTheirDecoders()
    {
        Assert.Equal("example.com", ServerNameExtension.ParseClientHello(Encoded.Of(w => ServerNameExtension.WriteClientHello(w, "example.com"))));
        Assert.Equal("h2", AlpnExtension.ParseServer(Encoded.Of(w => AlpnExtension.Write(w, ["h2"]))));
        Assert.Equal([NamedGroup.X25519, NamedGroup.Secp256r1],
            U16ListExtension.Parse<NamedGroup>(Encoded.Of(w => U16ListExtension.Write(w, [NamedGroup.X25519], [NamedGroup.Secp256r1])), "groups"));
        Assert.Equal([1, 2, 3], CookieExtension.Parse(Encoded.Of(w => CookieExtension.Write(w, [1, 2, 3])), "cookie"));
        Assert.Equal(300, RecordSizeLimitExtension.Parse(Encoded.Of(w => RecordSizeLimitExtension.Write(w, 300)), "rsl"));
        Assert.Equal([9, 8, 7], StatusRequestExtension.ParseCertificateStatus(Encoded.Of(w => StatusRequestExtension.WriteCertificateStatus(w, [9, 8, 7]))));
        Assert.Equal(SupportedVersionsExtension.Tls13, SupportedVersionsExtension.ParseServerHello(SupportedVersionsExtension.ServerHelloData.ToArray(), false));
        Assert.Equal((ushort)2, PreSharedKeyExtension.ParseServerHello(Encoded.Of(w => PreSharedKeyExtension.WriteServerHello(w, 2))));
        Assert.Equal(NamedGroup.Secp384r1, KeyShareExtension.ParseHelloRetryRequest(Encoded.Of(w => KeyShareExtension.WriteHelloRetryRequest(w, NamedGroup.Secp384r1))));
        var sh = KeyShareExtension.ParseServerHello(Encoded.Of(w => KeyShareExtension.WriteServerHello(w, NamedGroup.X25519, [5, 6])));
        Assert.Equal(NamedGroup.X25519, sh.Group);
        Assert.Equal([5, 6], sh.KeyExchange.ToArray());
    }

    [Fact]
    public void PskOfferHasOneIdentityAndAZeroBinderOfTheHashLength()
    {
        byte[] data = Encoded.Of(w => PreSharedKeyExtension.WriteClientHello(w, [1, 2, 3, 4, 5, 6, 7], 0x01020304, 48));
        var offered = PreSharedKeyExtension.ParseClientHello(data);
        var identity = Assert.Single(offered.Identities);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], identity.Identity.ToArray());
        Assert.Equal(0x01020304u, identity.ObfuscatedTicketAge);
        Assert.Equal(new byte[48], Assert.Single(offered.Binders));
        Assert.Equal(PreSharedKeyExtension.BindersListLength(48), offered.BindersLength);
    }

    [Fact]
    public void CertificateIsWrittenWithTheStapleInTheLeafEntryOnly()
    {
        var certificate = TestPki.Default.Server();
        using var w = new TlsWriter();
        CertificateAuthentication.WriteCertificate(w, certificate, [], new byte[] { 0x30, 0x03, 0x0A, 0x01, 0x00 });
        byte[] message = w.ToArray();
        Assert.Equal((byte)HandshakeType.Certificate, message[0]);
        var parsed = CertificateMessage.Parse(message.AsMemory(4), 10);
        Assert.Equal(certificate.Chain.Count, parsed.Entries.Count);
        for (int i = 0; i < parsed.Entries.Count; i++)
            Assert.True(parsed.Entries[i].CertData.Span.SequenceEqual(certificate.Chain[i].RawData.Span));
        Assert.Equal([0x30, 0x03, 0x0A, 0x01, 0x00],
            StatusRequestExtension.ParseCertificateStatus(parsed.Entries[0].Extensions.Find(ExtensionType.StatusRequest)!.Value));
        Assert.All(parsed.Entries.Skip(1), e => Assert.Equal(0, e.Extensions.Count));

        using var empty = new TlsWriter();
        CertificateAuthentication.WriteCertificate(empty, null, [7]);
        var none = CertificateMessage.Parse(empty.ToArray().AsMemory(4), 10);
        Assert.Empty(none.Entries);
        Assert.Equal([7], none.Context);
    }

    [Fact]
    public void ExtensionTypeSetHoldsTypesBelow64()
    {
        var set = new ExtensionTypeSet();
        Assert.False(set.Contains(ExtensionType.ServerName));
        set.Add(ExtensionType.ServerName);
        set.Add(ExtensionType.KeyShare);
        Assert.True(set.Contains(ExtensionType.ServerName));
        Assert.True(set.Contains(ExtensionType.KeyShare));
        Assert.False(set.Contains(ExtensionType.Cookie));
        Assert.False(set.Contains((ExtensionType)(64 + (ushort)ExtensionType.ServerName)));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Add((ExtensionType)64));
        set.Clear();
        Assert.False(set.Contains(ExtensionType.ServerName));
    }

    [Fact]
    public void AnswerWithAnExtensionTypeNotInTheSetIsUnsupportedExtension()
    {
        var offered = new ExtensionTypeSet();
        offered.Add(ExtensionType.KeyShare);
        var answer = new ExtensionList([new(ExtensionType.KeyShare, new byte[2]), new(ExtensionType.Cookie, new byte[3])]);
        var e = Assert.Throws<Record.TlsAlertException>(() => answer.RequireOffered(offered, "HelloRetryRequest"));
        Assert.Equal(Record.AlertDescription.UnsupportedExtension, e.Alert);
        answer.RequireOffered(offered, "HelloRetryRequest", ExtensionType.Cookie);
    }
}
