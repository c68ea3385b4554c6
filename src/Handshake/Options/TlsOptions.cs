using TlsEngine.Crypto;
using TlsEngine.X509;

namespace TlsEngine;

/// <summary>Options shared by clients and servers. Defaults are safe: every supported suite, group and scheme, strict checks.</summary>
public abstract class TlsOptions
{
    /// <summary>This endpoint's certificate chain and key. Required for servers; for clients, sent when the server asks.</summary>
    public TlsCertificate? Certificate { get; set; }

    /// <summary>Trust anchors that the peer's chain must lead to.</summary>
    public TrustStore? TrustAnchors { get; set; }

    /// <summary>Cipher suites in preference order. Default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305.</summary>
    public IList<CipherSuite> CipherSuites { get; set; } = [.. Crypto.CipherSuites.Supported];

    /// <summary>Key-exchange groups in preference order. Default: X25519, P-256, P-384. A client sends a key share for the first.</summary>
    public IList<NamedGroup> Groups { get; set; } = [.. NamedGroups.Supported];

    /// <summary>Signature schemes accepted from the peer and used by this endpoint, in preference order.</summary>
    public IList<SignatureScheme> SignatureSchemes { get; set; } = [.. Crypto.SignatureSchemes.Supported];

    /// <summary>ALPN protocol names (RFC 7301) in preference order; empty disables ALPN.</summary>
    public IList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>
    /// Called after the peer's chain validated, with the verified identity. Return false to refuse the peer with
    /// access_denied (RFC 8446 §6.2).
    /// </summary>
    public Func<PeerIdentity, bool>? AuthorizePeer { get; set; }

    /// <summary>
    /// Receives one line per secret in the NSS key log format (SSLKEYLOGFILE), e.g.
    /// <c>CLIENT_HANDSHAKE_TRAFFIC_SECRET &lt;client_random&gt; &lt;secret&gt;</c>. For debugging only: it exposes traffic keys.
    /// </summary>
    public Action<string>? KeyLog { get; set; }

    /// <summary>
    /// Remembers peer chains that validated, so a chain seen again costs no signature checks (keyed by the exact
    /// certificate bytes and every validation input, bounded in size and time). Share one cache between connections.
    /// Default: a cache of 1024 chains for this options object; null disables caching.
    /// </summary>
    public X509.ValidatedChainCache? ValidatedChains { get; set; } = new();

    private X509.ChainValidator? _chainValidator;

    /// <summary>
    /// The validator for <see cref="TrustAnchors"/> and <see cref="ValidatedChains"/>, made once and remade when either
    /// is replaced (it holds no state of its own but a counter, so handshakes on many threads share it).
    /// </summary>
    internal X509.ChainValidator ChainValidator
    {
        get
        {
            X509.ChainValidator? validator = _chainValidator;
            if (validator is null || !ReferenceEquals(validator.TrustStore, TrustAnchors) || !ReferenceEquals(validator.Cache, ValidatedChains))
                _chainValidator = validator = new X509.ChainValidator(TrustAnchors!, ValidatedChains);
            return validator;
        }
    }

    /// <summary>Revocation checking of the peer's certificate (OCSP staples; RFC 6066, RFC 6960, RFC 7633).</summary>
    public RevocationOptions Revocation { get; set; } = new();

    /// <summary>
    /// This endpoint's OCSP staple: a server sends it when the client asks (status_request); a client sends it when
    /// the server's CertificateRequest asks (RFC 8446 §4.4.2.1). See <see cref="OcspStaple"/> and <see cref="OcspStapler"/>.
    /// </summary>
    public IOcspStapleSource? OcspStaple { get; set; }

    /// <summary>DoS limits.</summary>
    public TlsLimits Limits { get; set; } = new();

    /// <summary>Clock for certificate validity checks. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Time allowed for the handshake by the Stream and Pipe adapters. Default 30 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>record_size_limit to advertise (RFC 8449), 64..16385. Default 16385 (no restriction, but the peer learns we support it).</summary>
    public int RecordSizeLimit { get; set; } = Record.RecordHeader.MaxInnerPlaintextLength;

    /// <summary>Pad protected records' inner plaintext to a multiple of this many bytes (0 = no padding, RFC 8446 §5.4).</summary>
    public int PadRecordsTo { get; set; }

    /// <summary>
    /// Answer a received close_notify with our own at once (RFC 8446 §6.1). Default true; set false for half-close
    /// protocols that keep sending after the peer has finished.
    /// </summary>
    public bool AnswerCloseNotify { get; set; } = true;

    /// <summary>Randomness and ephemeral keys; replaced only by tests and fuzzers.</summary>
    internal CryptoProvider Provider { get; set; } = CryptoProvider.Default;

    internal virtual void Validate()
    {
        if (CipherSuites.Count == 0) throw new ArgumentException("no cipher suites configured");
        if (Groups.Count == 0) throw new ArgumentException("no key-exchange groups configured");
        if (SignatureSchemes.Count == 0) throw new ArgumentException("no signature schemes configured");
        // Runs for every connection: indexed loops, since foreach over an IList allocates an enumerator.
        for (int i = 0; i < CipherSuites.Count; i++)
            if (!Crypto.CipherSuites.IsSupported(CipherSuites[i])) throw new ArgumentException($"cipher suite {CipherSuites[i]} is not supported");
        for (int i = 0; i < Groups.Count; i++)
            if (!NamedGroups.IsSupported(Groups[i])) throw new ArgumentException($"group {NamedGroups.Name(Groups[i])} is not supported");
        for (int i = 0; i < SignatureSchemes.Count; i++)
            if (!Crypto.SignatureSchemes.IsSupported(SignatureSchemes[i])) throw new ArgumentException($"signature scheme {Crypto.SignatureSchemes.Name(SignatureSchemes[i])} is not supported");
        for (int i = 0; i < ApplicationProtocols.Count; i++)
        {
            string p = ApplicationProtocols[i];
            if (p.Length is 0 or > 255 || !System.Text.Ascii.IsValid(p)) throw new ArgumentException($"ALPN protocol '{p}' must be 1..255 ASCII characters");
        }
        if (RecordSizeLimit is < 64 or > Record.RecordHeader.MaxInnerPlaintextLength)
            throw new ArgumentException("RecordSizeLimit must be within 64..16385 (RFC 8449 §4)");
    }
}

/// <summary>Options for a client connection.</summary>
public sealed class TlsClientOptions : TlsOptions
{
    /// <summary>
    /// The server's expected name: a DNS name (sent as SNI and matched against dNSName SANs) or an IP address
    /// (matched against iPAddress SANs; not sent as SNI, RFC 6066 §3). Required unless <see cref="SkipServerNameCheck"/>.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>Accept any name in a server certificate that chains to a trust anchor. Off by default; use only with a private CA.</summary>
    public bool SkipServerNameCheck { get; set; }

    /// <summary>Send a 32-byte legacy_session_id and a ChangeCipherSpec (RFC 8446 §D.4). Default true, as OpenSSL does.</summary>
    public bool MiddleboxCompatibility { get; set; } = true;

    /// <summary>
    /// Where tickets from servers are kept for resumption (RFC 8446 §2.2). Null (the default) disables resumption.
    /// Share one store between connections to the same servers; tickets are single-use.
    /// </summary>
    public ISessionTicketStore? SessionTickets { get; set; }

    /// <summary>Groups for which the first ClientHello carries a key share. Default: the first of <see cref="TlsOptions.Groups"/>.</summary>
    public IList<NamedGroup>? KeyShareGroups { get; set; }

    internal override void Validate()
    {
        base.Validate();
        if (TrustAnchors is null) throw new ArgumentException("TrustAnchors are required to authenticate the server");
        if (ServerName is null && !SkipServerNameCheck)
            throw new ArgumentException("ServerName is required (or set SkipServerNameCheck for a private CA)");
        if (KeyShareGroups is not null && KeyShareGroups.Any(g => !Groups.Contains(g)))
            throw new ArgumentException("every KeyShareGroups entry must also be in Groups");
    }
}

/// <summary>Options for a server connection.</summary>
public sealed class TlsServerOptions : TlsOptions
{
    /// <summary>Whether to request and require a client certificate. Default Required (mutual TLS).</summary>
    public ClientAuthenticationMode ClientAuthentication { get; set; } = ClientAuthenticationMode.Required;

    /// <summary>List the trust anchors' names in CertificateRequest.certificate_authorities (RFC 8446 §4.2.4). Default true.</summary>
    public bool SendCertificateAuthorities { get; set; } = true;

    /// <summary>Send a cookie in HelloRetryRequest and require it back (RFC 8446 §4.2.2). Default true.</summary>
    public bool HelloRetryCookie { get; set; } = true;

    /// <summary>
    /// Keys that seal stateless session tickets. When set, the server sends <see cref="TicketsPerHandshake"/>
    /// NewSessionTicket messages after each full handshake and accepts them for resumption with (EC)DHE
    /// (psk_dhe_ke only; no 0-RTT). Null (the default) disables resumption.
    /// </summary>
    public SessionTicketKeys? SessionTicketKeys { get; set; }

    /// <summary>ticket_lifetime sent to clients and enforced on resumption (at most 7 days, RFC 8446 §4.6.1). Default 2 hours.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Tickets sent after each handshake. Default 1.</summary>
    public int TicketsPerHandshake { get; set; } = 1;

    /// <summary>How far the client's view of a ticket's age may differ from the server's (RFC 8446 §8.3). Default 10 seconds.</summary>
    public TimeSpan TicketAgeTolerance { get; set; } = TimeSpan.FromSeconds(10);

    internal override void Validate()
    {
        base.Validate();
        if (Certificate is null) throw new ArgumentException("a server needs a Certificate");
        if (ClientAuthentication != ClientAuthenticationMode.None && TrustAnchors is null)
            throw new ArgumentException("TrustAnchors are required to authenticate clients");
        if (TicketLifetime <= TimeSpan.Zero || TicketLifetime > TimeSpan.FromDays(7))
            throw new ArgumentException("TicketLifetime must be within (0, 7 days] (RFC 8446 §4.6.1)");
        if (TicketsPerHandshake is < 0 or > 16)
            throw new ArgumentException("TicketsPerHandshake must be within 0..16");
    }
}
