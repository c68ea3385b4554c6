using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Server;

/// <summary>
/// The server state machine of RFC 8446 §2 / Appendix A.2:
/// START → RECVD_CH → (HelloRetryRequest → WAIT second CH) → NEGOTIATED → WAIT_CERT → WAIT_CV → WAIT_FINISHED → CONNECTED.
/// Each state accepts only the messages the RFC allows there; anything else is unexpected_message.
/// </summary>
internal sealed class ServerHandshake : HandshakeMachine
{
    private enum State { WaitClientHello, WaitSecondClientHello, WaitCertificate, WaitCertificateVerify, WaitFinished, Connected }

    private readonly TlsServerOptions _options;
    private State _state = State.WaitClientHello;
    private ClientHelloNegotiation? _first;
    private byte[]? _cookie;
    private bool _sentChangeCipherSpec;
    private ExtensionTypeSet _certificateRequestExtensions;
    private AcceptedPsk? _psk;

    public ServerHandshake(TlsConnection connection, TlsServerOptions options) : base(connection, options) => _options = options;

    protected override bool IsServer => true;

    public override bool ChangeCipherSpecAllowed => _state is not (State.WaitClientHello or State.Connected);

    public override void Start()
    {
    }

    protected override void HandleHandshake(HandshakeType type, ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        switch (_state, type)
        {
            case (State.WaitClientHello, HandshakeType.ClientHello):
                HandleClientHello(message, body, retry: false);
                break;
            case (State.WaitSecondClientHello, HandshakeType.ClientHello):
                HandleClientHello(message, body, retry: true);
                break;
            case (State.WaitCertificate, HandshakeType.Certificate):
                HandleCertificate(message, body);
                break;
            case (State.WaitCertificateVerify, HandshakeType.CertificateVerify):
                ReceiveCertificateVerify(message, body);
                _state = State.WaitFinished;
                break;
            case (State.WaitFinished, HandshakeType.Finished):
                HandleFinished(message, body);
                break;
            default:
                throw Unexpected(type, _state switch
                {
                    State.WaitClientHello or State.WaitSecondClientHello => "ClientHello",
                    State.WaitCertificate => "client Certificate",
                    State.WaitCertificateVerify => "client CertificateVerify",
                    State.WaitFinished => "client Finished",
                    _ => "nothing",
                });
        }
    }

    private void HandleClientHello(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body, bool retry)
    {
        var hello = ClientHello.Parse(body, message);
        if (hello.Extensions.Count > Options.Limits.MaxClientHelloExtensions)
            throw TlsAlert.DecodeError($"ClientHello has more than {Options.Limits.MaxClientHelloExtensions} extensions");
        var n = ClientHelloNegotiation.Negotiate(hello, _options, _first, _cookie);
        if (!retry)
        {
            // Kept only for the key log (the message's buffer is reused).
            ClientRandom = Options.KeyLog is null ? [] : hello.Random.ToArray();
            ServerName = n.ServerName;
        }
        Suite = n.Suite;
        if (n.ClientShare is null)
        {
            SendHelloRetryRequest(hello, message, n);
            return;
        }
        // A ticket may replace certificate authentication once the group is settled (RFC 8446 §4.2.11).
        Transcript.SetHash(CipherSuites.Hash(n.Suite));
        var offered = ServerResumption.Offered(hello, _options);
        if (offered is null)
        {
            Transcript.Add(message.Span);
            _psk = null;
        }
        else
        {
            // Hashed once: the part before the binders list, whose hash the binders sign (§4.2.11.2), then the list.
            Span<byte> binderHash = stackalloc byte[Transcript.HashLength];
            var span = message.Span;
            Transcript.AddAndHash(span[..^offered.BindersLength], Transcript.Hash, binderHash);
            Transcript.Add(span[^offered.BindersLength..]);
            _psk = ServerResumption.TryAccept(offered, binderHash, n.Suite, _options);
            Keys = _psk?.EarlyKeys; // owned (and disposed) by this machine from here on
        }
        if (n.OffersEarlyData)
            Connection.SkipEarlyData(untilClientHello: false);
        else
            Connection.StopSkippingEarlyData();
        Group = n.Group;
        ApplicationProtocol = n.ApplicationProtocol;
        SendServerFlight(hello, n);
    }

    /// <summary>HelloRetryRequest (RFC 8446 §4.1.4): the group to use, and a cookie the client must echo (§4.2.2).</summary>
    private void SendHelloRetryRequest(ClientHello hello, ReadOnlyMemory<byte> message, ClientHelloNegotiation n)
    {
        HelloRetried = true;
        _first = n;
        if (_options.HelloRetryCookie)
        {
            _cookie = new byte[32];
            Options.Provider.FillRandom(_cookie);
        }
        Transcript.SetHash(CipherSuites.Hash(n.Suite));
        Transcript.Add(message.Span);
        Transcript.ReplaceWithMessageHash();
        int at = ServerHello.WriteStart(Writer, 0x0303, ServerHello.HelloRetryRequestRandom, hello.LegacySessionId, n.Suite);
        int block = Writer.BeginVector16();
        ExtensionList.WriteExtension(Writer, ExtensionType.SupportedVersions, SupportedVersionsExtension.ServerHelloData);
        int e = ExtensionList.BeginExtension(Writer, ExtensionType.KeyShare);
        KeyShareExtension.WriteHelloRetryRequest(Writer, n.Group);
        ExtensionList.EndExtension(Writer, e);
        if (_cookie is not null)
        {
            e = ExtensionList.BeginExtension(Writer, ExtensionType.Cookie);
            CookieExtension.Write(Writer, _cookie);
            ExtensionList.EndExtension(Writer, e);
        }
        Writer.EndVector16(block);
        Writer.EndVector24(at);
        SendWritten();
        SendChangeCipherSpecIfCompatible(hello);
        if (n.OffersEarlyData) Connection.SkipEarlyData(untilClientHello: true);
        _state = State.WaitSecondClientHello;
    }

    private void SendChangeCipherSpecIfCompatible(ClientHello hello)
    {
        // RFC 8446 §D.4: in compatibility mode (non-empty legacy_session_id) the server sends a dummy
        // change_cipher_spec immediately after its first handshake message.
        if (hello.LegacySessionId.Length == 0 || _sentChangeCipherSpec) return;
        _sentChangeCipherSpec = true;
        Connection.SendChangeCipherSpec();
    }

    /// <summary>ServerHello, then EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished.</summary>
    private void SendServerFlight(ClientHello hello, ClientHelloNegotiation n)
    {
        byte[] shared;
        using (var share = Options.Provider.GenerateKeyShare(n.Group))
        {
            try
            {
                shared = share.DeriveSharedSecret(n.ClientShare!);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw TlsAlert.IllegalParameter($"ClientHello.key_share for {NamedGroups.Name(n.Group)} is invalid: {e.Message}");
            }
            Span<byte> random = stackalloc byte[32];
            Options.Provider.FillRandom(random);
            WriteServerHello(hello, n, random, share.PublicKey);
            SendWritten();
        }
        Keys ??= new TlsKeySchedule(n.Suite);
        DeriveHandshakeSecrets(shared);
        Connection.FlushHandshake();
        SendChangeCipherSpecIfCompatible(hello);
        InstallHandshakeWriteKeys();
        InstallHandshakeReadKeys();

        SendEncryptedExtensions(n);
        if (_psk is not null)
        {
            // Resumption: the ticket authenticates both sides; no CertificateRequest, Certificate or
            // CertificateVerify (RFC 8446 §2.2, §4.3.2).
            Resumed = true;
            PeerIdentity = _psk.ClientIdentity;
            SendFinished(ServerFinishedKey);
            DeriveApplicationSecrets();
            InstallApplicationWriteKeys();
            _state = State.WaitFinished;
            return;
        }
        if (_options.ClientAuthentication != ClientAuthenticationMode.None)
            SendCertificateRequest();
        var staple = n.WantsStaple ? Options.OcspStaple?.Current : null;
        CertificateAuthentication.WriteCertificate(Writer, Options.Certificate!, [], staple);
        SendWritten();
        Span<byte> hash = stackalloc byte[64];
        CertificateAuthentication.WriteCertificateVerify(Writer, Options.Certificate!, n.SignatureScheme, server: true, hash[..Transcript.GetCurrentHash(hash)]);
        SendWritten();
        LocalSignatureScheme = n.SignatureScheme;
        SendFinished(ServerFinishedKey);
        DeriveApplicationSecrets();
        InstallApplicationWriteKeys();
        _state = _options.ClientAuthentication == ClientAuthenticationMode.None ? State.WaitFinished : State.WaitCertificate;
    }

    /// <summary>
    /// ServerHello (RFC 8446 §4.1.3) with supported_versions, our key_share (§4.2.8) and, when a ticket was accepted,
    /// pre_shared_key (§4.2.11), each written in place.
    /// </summary>
    private void WriteServerHello(ClientHello hello, ClientHelloNegotiation n, ReadOnlySpan<byte> random, ReadOnlySpan<byte> publicKey)
    {
        int at = ServerHello.WriteStart(Writer, 0x0303, random, hello.LegacySessionId, n.Suite);
        int block = Writer.BeginVector16();
        ExtensionList.WriteExtension(Writer, ExtensionType.SupportedVersions, SupportedVersionsExtension.ServerHelloData);
        int e = ExtensionList.BeginExtension(Writer, ExtensionType.KeyShare);
        KeyShareExtension.WriteServerHello(Writer, n.Group, publicKey);
        ExtensionList.EndExtension(Writer, e);
        if (_psk is not null)
        {
            e = ExtensionList.BeginExtension(Writer, ExtensionType.PreSharedKey);
            PreSharedKeyExtension.WriteServerHello(Writer, _psk.Index);
            ExtensionList.EndExtension(Writer, e);
        }
        Writer.EndVector16(block);
        Writer.EndVector24(at);
    }

    /// <summary>EncryptedExtensions (RFC 8446 §4.3.1): answers to server_name, ALPN and record_size_limit, written in place.</summary>
    private void SendEncryptedExtensions(ClientHelloNegotiation n)
    {
        int at = HandshakeHeader.Begin(Writer, HandshakeType.EncryptedExtensions);
        int block = Writer.BeginVector16();
        // RFC 6066 §3: an acknowledged server_name carries empty extension_data.
        if (n.ServerName is not null)
            ExtensionList.WriteExtension(Writer, ExtensionType.ServerName, []);
        if (n.ApplicationProtocol is { } alpn)
        {
            int e = ExtensionList.BeginExtension(Writer, ExtensionType.ApplicationLayerProtocolNegotiation);
            AlpnExtension.Write(Writer, [alpn]);
            ExtensionList.EndExtension(Writer, e);
        }
        if (n.ClientRecordSizeLimit is { } limit)
        {
            // RFC 8449 §4: negotiated — each side now honours the other's limit on protected records.
            int e = ExtensionList.BeginExtension(Writer, ExtensionType.RecordSizeLimit);
            RecordSizeLimitExtension.Write(Writer, Options.RecordSizeLimit);
            ExtensionList.EndExtension(Writer, e);
            Connection.SetPeerRecordSizeLimit(limit);
            Connection.SetLocalRecordSizeLimit(Options.RecordSizeLimit);
        }
        Writer.EndVector16(block);
        Writer.EndVector24(at);
        SendWritten();
    }

    /// <summary>CertificateRequest (RFC 8446 §4.3.2): signature_algorithms and, when enabled, certificate_authorities (§4.2.4).</summary>
    private void SendCertificateRequest()
    {
        _certificateRequestExtensions.Clear();
        int at = CertificateRequest.WriteStart(Writer, []);
        int block = Writer.BeginVector16();
        int e = ExtensionList.BeginExtension(Writer, ExtensionType.SignatureAlgorithms);
        U16ListExtension.Write(Writer, Options.SignatureSchemes);
        ExtensionList.EndExtension(Writer, e);
        _certificateRequestExtensions.Add(ExtensionType.SignatureAlgorithms);
        // Ask for the client's OCSP staple with an empty status_request (RFC 8446 §4.4.2.1).
        if (Options.Revocation.Ocsp != OcspPolicy.Off)
        {
            ExtensionList.WriteExtension(Writer, ExtensionType.StatusRequest, []);
            _certificateRequestExtensions.Add(ExtensionType.StatusRequest);
        }
        if (_options.SendCertificateAuthorities && Options.TrustAnchors is { } anchors
            && CertificateAuthoritiesExtension.ForAnchors(anchors) is { } authorities)
        {
            ExtensionList.WriteExtension(Writer, ExtensionType.CertificateAuthorities, authorities);
            _certificateRequestExtensions.Add(ExtensionType.CertificateAuthorities);
        }
        Writer.EndVector16(block);
        Writer.EndVector24(at);
        SendWritten();
    }

    private void HandleCertificate(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        // Parsed in place: the chain validator copies each certificate it parses (none for a chain in its cache).
        var msg = CertificateMessage.Parse(message[HandshakeHeader.Size..], Options.Limits.MaxCertificateChainLength);
        if (msg.Context.Length != 0)
            throw TlsAlert.IllegalParameter("client Certificate.certificate_request_context does not match the CertificateRequest (RFC 8446 §4.4.2)");
        foreach (var e in msg.Entries)
            e.Extensions.RequireOffered(_certificateRequestExtensions, "client Certificate entry");
        if (msg.Entries.Count == 0)
        {
            // RFC 8446 §4.4.2.4: no certificate — continue unauthenticated or abort with certificate_required.
            if (_options.ClientAuthentication == ClientAuthenticationMode.Required)
                throw new TlsAlertException(AlertDescription.CertificateRequired, "the client sent no certificate and client authentication is required");
            Transcript.Add(message.Span);
            _state = State.WaitFinished;
            return;
        }
        PendingPeer = CertificateAuthentication.ValidateChain(msg, Options, peerIsServer: false, expectedName: null);
        Transcript.Add(message.Span);
        _state = State.WaitCertificateVerify;
    }

    private void HandleFinished(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        VerifyFinished(body, ClientFinishedKey);
        Transcript.Add(message.Span);
        InstallApplicationReadKeys();
        _state = State.Connected;
        var resumptionMaster = _options.SessionTicketKeys is null ? null : DeriveResumptionMasterSecret();
        CompleteHandshake();
        if (resumptionMaster is null) return;
        // New tickets after every handshake, resumed ones included (RFC 8446 §4.6.1).
        foreach (var ticket in ServerResumption.IssueTickets(_options, Keys!, resumptionMaster, Suite!.Value, PeerIdentity, ApplicationProtocol))
            Connection.QueueHandshake(ticket);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(resumptionMaster);
    }

    protected override void HandlePostHandshake(HandshakeType type, ReadOnlySpan<byte> body)
    {
        if (type == HandshakeType.NewSessionTicket)
            throw TlsAlert.UnexpectedMessage("a client must not send NewSessionTicket (RFC 8446 §4.6.1)");
        base.HandlePostHandshake(type, body);
    }
}
