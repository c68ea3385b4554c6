using TlsEngine.Crypto;
using TlsEngine.Handshake.Tests.Rfc8448;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests.KeySchedule;

/// <summary>
/// The key schedule (RFC 8446 §7) checked byte for byte against the traces of RFC 8448, read at test time from
/// ../shared/rfc/rfc8448.txt. Messages come from the trace; every secret, key, IV and Finished value we derive must
/// equal the trace's.
/// </summary>
public class Rfc8448KeyScheduleTests
{
    private static readonly TraceSection Simple = Rfc8448Trace.Section(3);
    private static readonly TraceSection Retry = Rfc8448Trace.Section(5);
    private static readonly TraceSection ClientAuth = Rfc8448Trace.Section(6);

    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);

    /// <summary>Runs the 1-RTT schedule of a section with our code and checks each value against the trace.</summary>
    private static void CheckOneRtt(TraceSection s, byte[][] transcriptToServerHello, byte[][] transcriptToServerFinished, byte[][] transcriptToClientFinished)
    {
        var clientPrivate = s.Value(TraceRole.Client, "create an ephemeral x25519 key pair", "private key");
        var serverPublic = s.Value(TraceRole.Server, "create an ephemeral x25519 key pair", "public key");
        using var clientShare = CryptoProvider.X25519FromPrivateKey(clientPrivate);
        Assert.Equal(Hex(s.Value(TraceRole.Client, "create an ephemeral x25519 key pair", "public key")), Hex(clientShare.PublicKey));
        var shared = clientShare.DeriveSharedSecret(serverPublic);
        Assert.Equal(Hex(s.Value(TraceRole.Server, "extract secret \"handshake\"", "IKM")), Hex(shared));

        using var keys = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        Assert.Equal(Hex(s.Value(TraceRole.Server, "extract secret \"early\"", "secret")), Hex(keys.CurrentSecret));

        using var transcript = new Transcript();
        transcript.SetHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var m in transcriptToServerHello) transcript.Add(m);
        keys.AdvanceToHandshake(shared);
        Assert.Equal(Hex(s.Value(TraceRole.Server, "extract secret \"handshake\"", "secret")), Hex(keys.CurrentSecret));
        var helloHash = transcript.CurrentHash();
        // Each traffic secret on its own, then both and the Master Secret in one call (the Handshake Secret keyed once).
        var chsAlone = keys.Derive("c hs traffic"u8, helloHash);
        var shsAlone = keys.Derive("s hs traffic"u8, helloHash);
        byte[] chs = new byte[32], shs = new byte[32];
        keys.DeriveHandshakeTrafficSecrets(helloHash, chs, shs);
        Assert.Equal(Hex(chsAlone), Hex(chs));
        Assert.Equal(Hex(shsAlone), Hex(shs));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 c hs traffic\"", "expanded")), Hex(chs));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 s hs traffic\"", "expanded")), Hex(shs));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "extract secret \"master\"", "secret")), Hex(keys.CurrentSecret));

        // Traffic keys (RFC 8446 §7.3).
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive write traffic keys for handshake data", "key expanded")),
            Hex(HkdfLabel.Expand(keys.Hash, shs, "key"u8, [], 16)));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive write traffic keys for handshake data", "iv expanded")),
            Hex(HkdfLabel.Expand(keys.Hash, shs, "iv"u8, [], 12)));

        // The finished_key taken with the handshake traffic keys, from the same keyed secret, written over the secret.
        var shsCopy = shs.ToArray();
        using (keys.CreateProtection(shsCopy, null, finishedKey: shsCopy))
            Assert.Equal(Hex(HkdfLabel.Expand(keys.Hash, shs, "finished"u8, [], 32)), Hex(shsCopy));

        foreach (var m in transcriptToServerFinished.Skip(transcriptToServerHello.Length).SkipLast(1)) transcript.Add(m);
        var serverVerify = new byte[32];
        keys.FinishedMac(shsCopy, transcript.CurrentHash(), serverVerify);
        Assert.Equal(Hex(transcriptToServerFinished[^1].AsSpan(4)), Hex(serverVerify));
        transcript.Add(transcriptToServerFinished[^1]);
        var serverFinishedHash = transcript.CurrentHash();
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 c ap traffic\"", "expanded")), Hex(keys.Derive("c ap traffic"u8, serverFinishedHash)));
        byte[] cap = new byte[32], sap = new byte[32], exp = new byte[32];
        keys.DeriveApplicationTrafficSecrets(serverFinishedHash, cap, sap, exp);
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 c ap traffic\"", "expanded")), Hex(cap));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 s ap traffic\"", "expanded")), Hex(sap));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 exp master\"", "expanded")), Hex(exp));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 s ap traffic\"", "expanded")), Hex(keys.Derive("s ap traffic"u8, serverFinishedHash)));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 exp master\"", "expanded")), Hex(keys.Derive("exp master"u8, serverFinishedHash)));

        foreach (var m in transcriptToClientFinished.Skip(transcriptToServerFinished.Length)) transcript.Add(m);
        Assert.Equal(Hex(s.Value(TraceRole.Client, "derive secret \"tls13 res master\"", "expanded")), Hex(keys.Derive("res master"u8, transcript.CurrentHash())));
    }

    private static byte[] Message(TraceSection s, TraceRole role, string step, string name, int occurrence = 0) => s.Value(role, step, name, occurrence);

    [Fact]
    public void SimpleOneRttScheduleMatchesRfc8448Section3()
    {
        var s = Simple;
        var ch = Message(s, TraceRole.Client, "construct a ClientHello", "ClientHello");
        var sh = Message(s, TraceRole.Server, "construct a ServerHello", "ServerHello");
        var ee = Message(s, TraceRole.Server, "construct an EncryptedExtensions", "EncryptedExtensions");
        var cert = Message(s, TraceRole.Server, "construct a Certificate", "Certificate");
        var cv = Message(s, TraceRole.Server, "construct a CertificateVerify", "CertificateVerify");
        var sfin = Message(s, TraceRole.Server, "construct a Finished", "Finished");
        var cfin = Message(s, TraceRole.Client, "construct a Finished", "Finished");
        CheckOneRtt(s, [ch, sh], [ch, sh, ee, cert, cv, sfin], [ch, sh, ee, cert, cv, sfin, cfin]);
    }

    [Fact]
    public void FinishedValuesMatchRfc8448Section3()
    {
        var s = Simple;
        var ch = Message(s, TraceRole.Client, "construct a ClientHello", "ClientHello");
        var sh = Message(s, TraceRole.Server, "construct a ServerHello", "ServerHello");
        var ee = Message(s, TraceRole.Server, "construct an EncryptedExtensions", "EncryptedExtensions");
        var cert = Message(s, TraceRole.Server, "construct a Certificate", "Certificate");
        var cv = Message(s, TraceRole.Server, "construct a CertificateVerify", "CertificateVerify");
        var sfin = Message(s, TraceRole.Server, "construct a Finished", "Finished");
        var shs = s.Value(TraceRole.Server, "derive secret \"tls13 s hs traffic\"", "expanded");
        var chs = s.Value(TraceRole.Server, "derive secret \"tls13 c hs traffic\"", "expanded");
        using var keys = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        using var t = new Transcript();
        t.SetHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var m in new[] { ch, sh, ee, cert, cv }) t.Add(m);
        var serverVerify = keys.FinishedVerifyData(shs, t.CurrentHash());
        Assert.Equal(Hex(sfin.AsSpan(4)), Hex(serverVerify));
        t.Add(sfin);
        var clientVerify = keys.FinishedVerifyData(chs, t.CurrentHash());
        Assert.Equal(Hex(Message(s, TraceRole.Client, "construct a Finished", "Finished").AsSpan(4)), Hex(clientVerify));
    }

    [Fact]
    public void ServerHandshakeRecordDecryptsToTheTraceMessages()
    {
        var s = Simple;
        // The server's protected handshake flight: EncryptedExtensions, Certificate, CertificateVerify, Finished.
        var record = s.Value(TraceRole.Server, "send handshake record", "complete record", 1);
        var key = s.Value(TraceRole.Server, "derive write traffic keys for handshake data", "key expanded");
        var iv = s.Value(TraceRole.Server, "derive write traffic keys for handshake data", "iv expanded");
        using var protection = new RecordProtection(CipherSuite.TLS_AES_128_GCM_SHA256, key, iv);
        var plain = new byte[record.Length];
        int n = protection.Open(record.AsSpan(0, 5), record.AsSpan(5), plain, RecordHeader.MaxInnerPlaintextLength, out var type);
        Assert.Equal(ContentType.Handshake, type);
        byte[] expected =
        [
            .. Message(s, TraceRole.Server, "construct an EncryptedExtensions", "EncryptedExtensions"),
            .. Message(s, TraceRole.Server, "construct a Certificate", "Certificate"),
            .. Message(s, TraceRole.Server, "construct a CertificateVerify", "CertificateVerify"),
            .. Message(s, TraceRole.Server, "construct a Finished", "Finished"),
        ];
        Assert.Equal(Hex(expected), Hex(plain.AsSpan(0, n)));

        // Sealing the same content with sequence number 0 reproduces the record byte for byte.
        using var sealer = new RecordProtection(CipherSuite.TLS_AES_128_GCM_SHA256, key, iv);
        var again = new byte[RecordProtection.SealedLength(expected.Length, 0)];
        sealer.Seal(ContentType.Handshake, expected, 0, again);
        Assert.Equal(Hex(record), Hex(again));
    }

    [Fact]
    public void ApplicationDataRecordsDecryptUnderTheTraceKeys()
    {
        var s = Simple;
        var record = s.Value(TraceRole.Client, "send application_data record", "complete record");
        var key = s.Value(TraceRole.Client, "derive write traffic keys for application data", "key expanded");
        var iv = s.Value(TraceRole.Client, "derive write traffic keys for application data", "iv expanded");
        var derivedKey = HkdfLabel.Expand(System.Security.Cryptography.HashAlgorithmName.SHA256,
            s.Value(TraceRole.Server, "derive secret \"tls13 c ap traffic\"", "expanded"), "key"u8, [], 16);
        Assert.Equal(Hex(key), Hex(derivedKey));
        using var protection = new RecordProtection(CipherSuite.TLS_AES_128_GCM_SHA256, key, iv);
        var plain = new byte[record.Length];
        int n = protection.Open(record.AsSpan(0, 5), record.AsSpan(5), plain, RecordHeader.MaxInnerPlaintextLength, out var type);
        Assert.Equal(ContentType.ApplicationData, type);
        Assert.Equal(Hex(s.Value(TraceRole.Client, "send application_data record", "payload")), Hex(plain.AsSpan(0, n)));
    }

    [Fact]
    public void HelloRetryRequestTranscriptMatchesRfc8448Section5()
    {
        var s = Retry;
        var ch1 = s.Value(TraceRole.Client, "construct a ClientHello", "ClientHello", 0);
        var hrr = s.Value(TraceRole.Server, "construct a ServerHello", "ServerHello", 0);
        var ch2 = s.Value(TraceRole.Client, "construct a ClientHello", "ClientHello", 1);
        var sh = s.Value(TraceRole.Server, "construct a ServerHello", "ServerHello", 1);
        Assert.True(ServerHello.Parse(hrr.AsSpan(4)).IsHelloRetryRequest);
        Assert.False(ServerHello.Parse(sh.AsSpan(4)).IsHelloRetryRequest);

        // The retried exchange uses P-256 (the trace gives both private keys).
        var clientPrivate = s.Value(TraceRole.Client, "create an ephemeral P-256 key pair", "private key");
        var serverPublic = s.Value(TraceRole.Server, "create an ephemeral P-256 key pair", "public key");
        using var client = System.Security.Cryptography.ECDiffieHellman.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            D = clientPrivate,
            Q = new System.Security.Cryptography.ECPoint
            {
                X = s.Value(TraceRole.Client, "create an ephemeral P-256 key pair", "public key")[1..33],
                Y = s.Value(TraceRole.Client, "create an ephemeral P-256 key pair", "public key")[33..65],
            },
        });
        using var server = System.Security.Cryptography.ECDiffieHellman.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint { X = serverPublic[1..33], Y = serverPublic[33..65] },
        });
        var shared = client.DeriveRawSecretAgreement(server.PublicKey);
        Assert.Equal(Hex(s.Value(TraceRole.Server, "extract secret \"handshake\"", "IKM")), Hex(shared));

        using var t = new Transcript();
        t.Add(ch1);
        t.SetHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        t.ReplaceWithMessageHash();
        t.Add(hrr);
        t.Add(ch2);
        t.Add(sh);
        using var keys = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        keys.AdvanceToHandshake(shared);
        Assert.Equal(Hex(s.Value(TraceRole.Server, "extract secret \"handshake\"", "secret")), Hex(keys.CurrentSecret));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 c hs traffic\"", "expanded")), Hex(keys.Derive("c hs traffic"u8, t.CurrentHash())));
        Assert.Equal(Hex(s.Value(TraceRole.Server, "derive secret \"tls13 s hs traffic\"", "expanded")), Hex(keys.Derive("s hs traffic"u8, t.CurrentHash())));
    }

    [Fact]
    public void ClientAuthenticationScheduleMatchesRfc8448Section6()
    {
        var s = ClientAuth;
        var ch = Message(s, TraceRole.Client, "construct a ClientHello", "ClientHello");
        var sh = Message(s, TraceRole.Server, "construct a ServerHello", "ServerHello");
        var ee = Message(s, TraceRole.Server, "construct an EncryptedExtensions", "EncryptedExtensions");
        var cr = Message(s, TraceRole.Server, "construct a CertificateRequest", "CertificateRequest");
        var cert = Message(s, TraceRole.Server, "construct a Certificate", "Certificate");
        var cv = Message(s, TraceRole.Server, "construct a CertificateVerify", "CertificateVerify");
        var sfin = Message(s, TraceRole.Server, "construct a Finished", "Finished");
        var ccert = Message(s, TraceRole.Client, "construct a Certificate", "Certificate");
        var ccv = Message(s, TraceRole.Client, "construct a CertificateVerify", "CertificateVerify");
        var cfin = Message(s, TraceRole.Client, "construct a Finished", "Finished");
        CheckOneRtt(s, [ch, sh], [ch, sh, ee, cr, cert, cv, sfin], [ch, sh, ee, cr, cert, cv, sfin, ccert, ccv, cfin]);

        // The client's Finished covers its Certificate and CertificateVerify.
        using var t = new Transcript();
        t.SetHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var m in new[] { ch, sh, ee, cr, cert, cv, sfin, ccert, ccv }) t.Add(m);
        using var keys = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        var chs = s.Value(TraceRole.Server, "derive secret \"tls13 c hs traffic\"", "expanded");
        Assert.Equal(Hex(cfin.AsSpan(4)), Hex(keys.FinishedVerifyData(chs, t.CurrentHash())));
    }

    [Fact]
    public void KeyUpdateDerivesTheNextSecretPerRfc8446Section72()
    {
        // application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)
        var secret = Simple.Value(TraceRole.Server, "derive secret \"tls13 s ap traffic\"", "expanded");
        using var keys = new TlsKeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        var next = keys.NextApplicationSecret(secret);
        // HkdfLabel = 00 20 | 11 "tls13 traffic upd" | 00
        var info = Convert.FromHexString("0020" + "11" + Convert.ToHexString("tls13 traffic upd"u8) + "00");
        var expected = new byte[32];
        System.Security.Cryptography.HKDF.Expand(System.Security.Cryptography.HashAlgorithmName.SHA256, secret, expected, info);
        Assert.Equal(Hex(expected), Hex(next));
        Assert.NotEqual(Hex(secret), Hex(next));
    }
}
