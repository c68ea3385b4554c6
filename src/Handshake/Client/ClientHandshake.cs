using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Client;

/// <summary>
/// The client state machine of RFC 8446 §2 / Appendix A.1:
/// START → WAIT_SH → WAIT_EE → WAIT_CERT_CR → (WAIT_CERT) → WAIT_CV → WAIT_FINISHED → CONNECTED.
/// Each state accepts only the messages the RFC allows there; anything else is unexpected_message.
/// </summary>
internal sealed class ClientHandshake : HandshakeMachine
{
    private enum State { Start, WaitServerHello, WaitEncryptedExtensions, WaitCertificateOrRequest, WaitCertificate, WaitCertificateVerify, WaitFinished, Connected }

    private readonly TlsClientOptions _options;
    private State _state = State.Start;
    private ClientHelloBuilder? _hello;
    private CertificateRequest? _certificateRequest;
    private CipherSuite? _retrySuite;
    private int _ticketsReceived;
    private byte[]? _resumptionMaster;

    public ClientHandshake(TlsConnection connection, TlsClientOptions options) : base(connection, options) => _options = options;

    protected override bool IsServer => false;

    public override ushort InitialRecordVersion => HelloRetried ? (ushort)0x0303 : (ushort)0x0301;

    public override bool ChangeCipherSpecAllowed => _state is >= State.WaitServerHello and <= State.WaitFinished;

    /// <summary>Number of NewSessionTicket messages accepted after the handshake.</summary>
    public int TicketsReceived => _ticketsReceived;

    public override void Start()
    {
        var ticket = _options.ServerName is { } name ? _options.SessionTickets?.Take(name, _options.TimeProvider.GetUtcNow()) : null;
        _hello = new ClientHelloBuilder(_options, ticket);
        ClientRandom = _hello.Random;
        ServerName = _hello.ServerNameSent;
        _hello.Write(Writer);
        SendClientHello();
        Connection.FlushHandshake();
        // Middlebox compatibility (RFC 8446 §D.4): the dummy change_cipher_spec goes right after the ClientHello.
        if (_options.MiddleboxCompatibility)
            Connection.SendChangeCipherSpec();
        _state = State.WaitServerHello;
    }

    /// <summary>
    /// Sends the ClientHello in <see cref="HandshakeMachine.Writer"/>. With a ticket, first computes the PSK binder over
    /// the transcript up to the binders list and patches it in (RFC 8446 §4.2.11.2): the ClientHello is hashed once, its
    /// part before the binders for the binder, then the binders (<see cref="Transcript.AddAndHash"/>). After a
    /// HelloRetryRequest the transcript (message_hash, HelloRetryRequest) precedes it.
    /// </summary>
    private void SendClientHello()
    {
        if (_hello!.Ticket is not { } ticket)
        {
            SendWritten();
            return;
        }
        int truncated = Writer.Length - PreSharedKeyExtension.BindersListLength(_hello.BinderLength);
        Span<byte> hash = stackalloc byte[CipherSuites.HashLength(ticket.Suite)];
        Transcript.AddAndHash(Writer.WrittenSpan[..truncated], CipherSuites.Hash(ticket.Suite), hash);
        // Until ServerHello the key schedule is at the offered ticket's Early Secret (RFC 8446 §7.1): kept for the
        // handshake should the server accept the ticket, and for the second ClientHello after a HelloRetryRequest.
        Keys ??= new TlsKeySchedule(ticket.Suite, ticket.Psk);
        var binderKey = Keys.BinderKey();
        Span<byte> binder = stackalloc byte[Keys.HashLength];
        Keys.FinishedVerifyData(binderKey, hash, binder);
        Writer.Patch(Writer.Length - _hello.BinderLength, binder);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(binderKey);
        SendWritten(alreadyHashed: truncated);
    }

    protected override void HandleHandshake(HandshakeType type, ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        switch (_state, type)
        {
            case (State.WaitServerHello, HandshakeType.ServerHello):
                HandleServerHello(message, body);
                break;
            case (State.WaitEncryptedExtensions, HandshakeType.EncryptedExtensions):
                HandleEncryptedExtensions(message, body);
                Transcript.Add(message.Span);
                if (Resumed)
                {
                    // The ticket authenticated the server: no Certificate or CertificateVerify follows (RFC 8446 §2.2).
                    PeerIdentity = _hello!.Ticket!.ServerIdentity;
                    _state = State.WaitFinished;
                }
                else
                {
                    _state = State.WaitCertificateOrRequest;
                }
                break;
            case (State.WaitCertificateOrRequest, HandshakeType.CertificateRequest):
                HandleCertificateRequest(message, body);
                Transcript.Add(message.Span);
                _state = State.WaitCertificate;
                break;
            case (State.WaitCertificateOrRequest or State.WaitCertificate, HandshakeType.Certificate):
                // Parsed in place: the chain validator copies each certificate it parses (none for a chain in its cache).
                HandleCertificate(message[HandshakeHeader.Size..]);
                Transcript.Add(message.Span);
                _state = State.WaitCertificateVerify;
                break;
            case (State.WaitCertificateVerify, HandshakeType.CertificateVerify):
                ReceiveCertificateVerify(message, body);
                _state = State.WaitFinished;
                break;
            case (State.WaitFinished, HandshakeType.Finished):
                HandleFinished(message, body);
                break;
            default:
                throw Unexpected(type, Expected());
        }
    }

    private string Expected() => _state switch
    {
        State.WaitServerHello => "ServerHello",
        State.WaitEncryptedExtensions => "EncryptedExtensions",
        State.WaitCertificateOrRequest => "Certificate or CertificateRequest",
        State.WaitCertificate => "Certificate",
        State.WaitCertificateVerify => "CertificateVerify",
        State.WaitFinished => "Finished",
        _ => "nothing",
    };

    private void HandleServerHello(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        var sh = ServerHello.Parse(body, message);
        CheckServerHelloCommon(sh);
        if (sh.IsHelloRetryRequest)
        {
            HandleHelloRetryRequest(sh, message);
            return;
        }
        if (_retrySuite is { } retry && sh.CipherSuite != retry)
            throw TlsAlert.IllegalParameter($"ServerHello selects {sh.CipherSuite}, but the HelloRetryRequest selected {retry} (RFC 8446 §4.1.4)");
        sh.Extensions.RequireOffered(_hello!.Offered, "ServerHello");
        var shareBytes = sh.Extensions.Find(ExtensionType.KeyShare)
            ?? throw TlsAlert.MissingExtension("ServerHello has no key_share; this client offers only (EC)DHE (RFC 8446 §4.2.8)");
        var share = KeyShareExtension.ParseServerHello(shareBytes);
        if (sh.Extensions.Find(ExtensionType.PreSharedKey) is { } selectedBytes)
        {
            // §4.2.11: the selected identity must be one offered and the suite must have the ticket's hash.
            var ticket = _hello.Ticket!;
            if (PreSharedKeyExtension.ParseServerHello(selectedBytes) != 0)
                throw TlsAlert.IllegalParameter("ServerHello.pre_shared_key selects an identity that was not offered (RFC 8446 §4.2.11)");
            if (CipherSuites.Hash(sh.CipherSuite) != CipherSuites.Hash(ticket.Suite))
                throw TlsAlert.IllegalParameter($"ServerHello resumes a {ticket.Suite} ticket with {sh.CipherSuite}, of another hash (RFC 8446 §4.2.11)");
            Resumed = true;
        }
        var ours = _hello.KeyShareFor(share.Group)
            ?? throw TlsAlert.IllegalParameter($"ServerHello.key_share uses {NamedGroups.Name(share.Group)}, for which no key share was offered (RFC 8446 §4.2.8)");
        byte[] shared;
        try
        {
            shared = ours.DeriveSharedSecret(share.KeyExchange.Span);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw TlsAlert.IllegalParameter($"ServerHello.key_share is invalid: {e.Message}");
        }
        Suite = sh.CipherSuite;
        Group = share.Group;
        Transcript.SetHash(CipherSuites.Hash(sh.CipherSuite));
        Transcript.Add(message.Span);
        if (Resumed)
        {
            Keys!.UseSuite(sh.CipherSuite);
        }
        else
        {
            Keys?.Dispose(); // a ticket's Early Secret the server did not take
            Keys = new TlsKeySchedule(sh.CipherSuite);
        }
        DeriveHandshakeSecrets(shared);
        _hello.DisposeKeyShares();
        InstallHandshakeReadKeys();
        // The client's handshake write key is installed now, so that an alert about the server's flight is
        // encrypted as the server expects.
        InstallHandshakeWriteKeys();
        _state = State.WaitEncryptedExtensions;
    }

    /// <summary>Checks shared by ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.2.1, Appendix D.5).</summary>
    private void CheckServerHelloCommon(ServerHello sh)
    {
        string name = sh.IsHelloRetryRequest ? "HelloRetryRequest" : "ServerHello";
        if (sh.LegacyVersion <= 0x0300)
            throw TlsAlert.ProtocolVersion($"{name}.legacy_version 0x{sh.LegacyVersion:x4} is SSL 3.0 or older (RFC 8446 §D.5)");
        var versionBytes = sh.Extensions.Find(ExtensionType.SupportedVersions)
            ?? throw TlsAlert.ProtocolVersion($"{name} has no supported_versions: the server negotiated TLS 1.2 or older, which this engine does not speak");
        ushort version = SupportedVersionsExtension.ParseServerHello(versionBytes, sh.IsHelloRetryRequest);
        if (version != SupportedVersionsExtension.Tls13)
            throw TlsAlert.IllegalParameter($"{name}.supported_versions selects 0x{version:x4}, which was not offered (RFC 8446 §4.2.1)");
        if (sh.LegacyVersion != 0x0303)
            throw TlsAlert.ProtocolVersion($"{name}.legacy_version is 0x{sh.LegacyVersion:x4}; a TLS 1.3 server sends 0x0303 (RFC 8446 §4.1.3)");
        if (!sh.LegacySessionIdEcho.Span.SequenceEqual(_hello!.SessionId))
            throw TlsAlert.IllegalParameter($"{name}.legacy_session_id_echo does not match the ClientHello (RFC 8446 §4.1.3)");
        if (Array.IndexOf(_hello.CipherSuites, sh.CipherSuite) < 0)
            throw TlsAlert.IllegalParameter($"{name} selects cipher suite 0x{(ushort)sh.CipherSuite:x4}, which was not offered (RFC 8446 §4.1.3)");
        if (sh.LegacyCompressionMethod != 0)
            throw TlsAlert.IllegalParameter($"{name}.legacy_compression_method is {sh.LegacyCompressionMethod}; it must be 0 (RFC 8446 §4.1.3)");
    }

    private void HandleHelloRetryRequest(ServerHello hrr, ReadOnlyMemory<byte> message)
    {
        // RFC 8446 §4.1.4: a second HelloRetryRequest is unexpected_message.
        if (HelloRetried)
            throw TlsAlert.UnexpectedMessage("second HelloRetryRequest (RFC 8446 §4.1.4)");
        hrr.Extensions.RequireOffered(_hello!.Offered, "HelloRetryRequest", ExtensionType.Cookie);
        NamedGroup? selected = null;
        if (hrr.Extensions.Find(ExtensionType.KeyShare) is { } ks)
        {
            var group = KeyShareExtension.ParseHelloRetryRequest(ks);
            if (Array.IndexOf(_hello.Groups, group) < 0)
                throw TlsAlert.IllegalParameter($"HelloRetryRequest selects {NamedGroups.Name(group)}, which is not in supported_groups (RFC 8446 §4.2.8)");
            if (_hello.KeyShareFor(group) is not null)
                throw TlsAlert.IllegalParameter($"HelloRetryRequest selects {NamedGroups.Name(group)}, for which a key share was already sent (RFC 8446 §4.2.8)");
            selected = group;
        }
        byte[]? cookie = hrr.Extensions.Find(ExtensionType.Cookie) is { } c
            ? CookieExtension.Parse(c, "HelloRetryRequest.cookie")
            : null;
        if (selected is null && cookie is null)
            throw TlsAlert.IllegalParameter("HelloRetryRequest would not change the ClientHello (RFC 8446 §4.1.4)");
        HelloRetried = true;
        _retrySuite = hrr.CipherSuite;
        // Transcript: ClientHello1 becomes message_hash, then the HelloRetryRequest (RFC 8446 §4.4.1).
        Transcript.SetHash(CipherSuites.Hash(hrr.CipherSuite));
        Transcript.ReplaceWithMessageHash();
        Transcript.Add(message.Span);
        _hello.WriteRetry(Writer, selected, cookie, hrr.CipherSuite);
        SendClientHello();
        _state = State.WaitServerHello;
    }

    private void HandleEncryptedExtensions(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        var ee = EncryptedExtensions.Parse(body, message);
        ee.Extensions.RequireOffered(_hello!.Offered, "EncryptedExtensions");
        if (ee.Extensions.Find(ExtensionType.ApplicationLayerProtocolNegotiation) is { } alpn)
        {
            var chosen = AlpnExtension.ParseServer(alpn);
            if (!Options.ApplicationProtocols.Contains(chosen))
                throw TlsAlert.IllegalParameter($"EncryptedExtensions selects ALPN protocol '{chosen}', which was not offered (RFC 7301 §3.2)");
            ApplicationProtocol = chosen;
        }
        if (ee.Extensions.Find(ExtensionType.RecordSizeLimit) is { } rsl)
        {
            int limit = RecordSizeLimitExtension.Parse(rsl, "EncryptedExtensions.record_size_limit");
            if (limit > RecordHeader.MaxInnerPlaintextLength)
                throw TlsAlert.IllegalParameter($"EncryptedExtensions.record_size_limit {limit} exceeds 2^14+1 (RFC 8449 §4)");
            Connection.SetPeerRecordSizeLimit(limit);
            Connection.SetLocalRecordSizeLimit(Options.RecordSizeLimit);
        }
        if (ee.Extensions.Find(ExtensionType.ServerName) is { Length: > 0 })
            throw TlsAlert.DecodeError("EncryptedExtensions.server_name must be empty (RFC 6066 §3)");
    }

    private void HandleCertificateRequest(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        // Kept until our Certificate is sent, after the message is released: parsed from a copy.
        var kept = message.ToArray();
        var cr = CertificateRequest.Parse(kept.AsSpan(HandshakeHeader.Size), kept);
        // RFC 8446 §4.3.2: the context is empty unless the request is post-handshake.
        if (cr.Context.Length != 0)
            throw TlsAlert.IllegalParameter("CertificateRequest.certificate_request_context must be empty during the handshake (RFC 8446 §4.3.2)");
        if (!cr.Extensions.Contains(ExtensionType.SignatureAlgorithms))
            throw TlsAlert.MissingExtension("CertificateRequest has no signature_algorithms (RFC 8446 §4.3.2)");
        _certificateRequest = cr;
    }

    private void HandleCertificate(ReadOnlyMemory<byte> body)
    {
        var msg = CertificateMessage.Parse(body, Options.Limits.MaxCertificateChainLength);
        if (msg.Context.Length != 0)
            throw TlsAlert.IllegalParameter("server Certificate.certificate_request_context must be empty (RFC 8446 §4.4.2)");
        // RFC 8446 §4.4.2.4: "If the server supplies an empty Certificate message, the client MUST abort the
        // handshake with a decode_error alert."
        if (msg.Entries.Count == 0)
            throw TlsAlert.DecodeError("server Certificate is empty (RFC 8446 §4.4.2.4)");
        foreach (var e in msg.Entries)
            e.Extensions.RequireOffered(_hello!.Offered, "Certificate entry");
        string? expected = _options.SkipServerNameCheck ? null : _options.ServerName;
        PendingPeer = CertificateAuthentication.ValidateChain(msg, Options, peerIsServer: true, expected);
    }

    private void HandleFinished(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        VerifyFinished(body, ServerFinishedKey);
        Transcript.Add(message.Span);
        DeriveApplicationSecrets();
        if (_certificateRequest is { } cr)
            SendClientCertificate(cr);
        SendFinished(ClientFinishedKey);
        if (_options.SessionTickets is not null)
            _resumptionMaster = DeriveResumptionMasterSecret();
        InstallApplicationWriteKeys();
        InstallApplicationReadKeys();
        _state = State.Connected;
        CompleteHandshake();
    }

    /// <summary>
    /// Answers a CertificateRequest (RFC 8446 §4.4.2): our chain if the key can sign a scheme the server accepts,
    /// otherwise an empty Certificate; CertificateVerify only with a certificate.
    /// </summary>
    private void SendClientCertificate(CertificateRequest cr)
    {
        var offered = U16ListExtension.Parse<SignatureScheme>(cr.Extensions.Find(ExtensionType.SignatureAlgorithms)!.Value, "CertificateRequest.signature_algorithms");
        var certificate = Options.Certificate;
        SignatureScheme? scheme = certificate is null ? null : CertificateAuthentication.ChooseScheme(certificate, offered, Options.SignatureSchemes);
        if (scheme is null) certificate = null;
        // A server may ask for the client's OCSP staple with an empty status_request (RFC 8446 §4.4.2.1).
        var staple = cr.Extensions.Contains(ExtensionType.StatusRequest) ? Options.OcspStaple?.Current : null;
        CertificateAuthentication.WriteCertificate(Writer, certificate, cr.Context, staple);
        SendWritten();
        if (certificate is not null && scheme is { } s)
        {
            Span<byte> hash = stackalloc byte[64];
            CertificateAuthentication.WriteCertificateVerify(Writer, certificate, s, server: false, hash[..Transcript.GetCurrentHash(hash)]);
            SendWritten();
            LocalSignatureScheme = s;
        }
    }

    protected override void HandlePostHandshake(HandshakeType type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case HandshakeType.NewSessionTicket:
                ReceiveNewSessionTicket(body);
                break;
            case HandshakeType.CertificateRequest:
                throw TlsAlert.UnexpectedMessage("post-handshake CertificateRequest, but post_handshake_auth was not offered (RFC 8446 §4.6.2)");
            default:
                base.HandlePostHandshake(type, body);
                break;
        }
    }

    /// <summary>Checks a NewSessionTicket (RFC 8446 §4.6.1) and, when resumption is enabled, keeps it with its PSK.</summary>
    private void ReceiveNewSessionTicket(ReadOnlySpan<byte> body)
    {
        var nst = NewSessionTicket.Parse(body);
        if (++_ticketsReceived > 64)
            throw TlsAlert.UnexpectedMessage("more than 64 NewSessionTicket messages");
        if (_resumptionMaster is null || _options.SessionTickets is not { } store || nst.Lifetime == 0 || PeerIdentity is null || _options.ServerName is null)
            return;
        var psk = Keys!.TicketPsk(_resumptionMaster, nst.Nonce);
        store.Add(new ClientSessionTicket(nst.Ticket, psk, Suite!.Value, nst.AgeAdd, TimeSpan.FromSeconds(nst.Lifetime),
            _options.TimeProvider.GetUtcNow(), _options.ServerName, PeerIdentity, ApplicationProtocol));
    }

    public override void Dispose()
    {
        if (_resumptionMaster is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(_resumptionMaster);
        _hello?.DisposeKeyShares();
        base.Dispose();
    }
}
