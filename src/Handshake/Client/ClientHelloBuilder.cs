using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;

namespace TlsEngine.Client;

/// <summary>
/// Builds the client's ClientHello (RFC 8446 §4.1.2) and, after a HelloRetryRequest, the second one: the same
/// message except for the key share of the selected group and the echoed cookie (§4.1.2, §4.1.4).
/// </summary>
internal sealed class ClientHelloBuilder
{
    private readonly TlsClientOptions _options;
    private readonly List<KeyShare> _shares = [];
    private ExtensionList _extensions = new([]);

    public ClientHelloBuilder(TlsClientOptions options, ClientSessionTicket? ticket)
    {
        _options = options;
        // A ticket is offered only with a suite of the same hash (RFC 8446 §4.6.1).
        if (ticket is not null && OffersHashOf(options.CipherSuites, ticket.Suite))
            Ticket = ticket;
        var provider = options.Provider;
        Random = new byte[32];
        provider.FillRandom(Random);
        SessionId = options.MiddleboxCompatibility ? new byte[32] : [];
        provider.FillRandom(SessionId);
        CipherSuites = [.. options.CipherSuites];
        Groups = [.. options.Groups];
        foreach (var g in options.KeyShareGroups ?? [options.Groups[0]])
            _shares.Add(provider.GenerateKeyShare(g));
        // RFC 6066 §3: literal IP addresses are not sent as server_name.
        if (options.ServerName is { } name && !System.Net.IPAddress.TryParse(name, out _))
            ServerNameSent = name;
    }

    public byte[] Random { get; }
    public byte[] SessionId { get; }
    public List<CipherSuite> CipherSuites { get; }
    public List<NamedGroup> Groups { get; }
    public string? ServerNameSent { get; }

    /// <summary>The ticket offered in pre_shared_key, or null.</summary>
    public ClientSessionTicket? Ticket { get; private set; }

    /// <summary>Length of the PSK binder (the ticket's hash length).</summary>
    public int BinderLength => Ticket is null ? 0 : Crypto.CipherSuites.HashLength(Ticket.Suite);

    /// <summary>The extensions of the last ClientHello sent, for checking that answers were offered.</summary>
    public ExtensionList Extensions => _extensions;

    public KeyShare? KeyShareFor(NamedGroup group)
    {
        foreach (var share in _shares)
        {
            if (share.Group == group) return share;
        }
        return null;
    }

    private static bool OffersHashOf(IList<CipherSuite> suites, CipherSuite ticketSuite)
    {
        var hash = Crypto.CipherSuites.Hash(ticketSuite);
        for (int i = 0; i < suites.Count; i++)
        {
            if (Crypto.CipherSuites.Hash(suites[i]) == hash) return true;
        }
        return false;
    }

    public ClientHello Build(byte[]? cookie = null)
    {
        var ext = new List<Extension>(14);
        if (ServerNameSent is not null)
            ext.Add(new(ExtensionType.ServerName, ServerNameExtension.EncodeClientHello(ServerNameSent)));
        ext.Add(new(ExtensionType.SupportedGroups, U16ListExtension.Encode(Groups)));
        ext.Add(new(ExtensionType.SignatureAlgorithms, U16ListExtension.Encode(_options.SignatureSchemes)));
        // Certificates may carry RSASSA-PKCS1-v1_5 signatures even though CertificateVerify may not (RFC 8446 §4.2.3).
        ext.Add(new(ExtensionType.SignatureAlgorithmsCert, U16ListExtension.Encode(_options.SignatureSchemes, CertificateOnlySchemes)));
        if (_options.ApplicationProtocols.Count > 0)
            ext.Add(new(ExtensionType.ApplicationLayerProtocolNegotiation, AlpnExtension.Encode(_options.ApplicationProtocols)));
        ext.Add(new(ExtensionType.RecordSizeLimit, RecordSizeLimitExtension.Encode(_options.RecordSizeLimit)));
        if (_options.Revocation.Ocsp != OcspPolicy.Off)
            ext.Add(new(ExtensionType.StatusRequest, StatusRequestExtension.EncodeClientHello()));
        ext.Add(new(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeClientHello()));
        // Only (EC)DHE-authenticated PSKs would be accepted (psk_dhe_ke); offering the mode lets servers send tickets.
        ext.Add(new(ExtensionType.PskKeyExchangeModes, new byte[] { 1, PskKeyExchangeModesExtension.PskDheKe }));
        if (cookie is not null)
            ext.Add(new(ExtensionType.Cookie, CookieExtension.Encode(cookie)));
        ext.Add(new(ExtensionType.KeyShare, KeyShareExtension.EncodeClientHello(_shares)));
        if (Ticket is { } t)
        {
            // pre_shared_key goes last (RFC 8446 §4.2.11); the binder is filled in once the message is hashed.
            var age = _options.TimeProvider.GetUtcNow() - t.Received;
            uint obfuscated = unchecked((uint)(long)age.TotalMilliseconds + t.AgeAdd);
            ext.Add(new(ExtensionType.PreSharedKey, PreSharedKeyExtension.EncodeClientHello(t.Ticket, obfuscated, BinderLength)));
        }
        _extensions = new ExtensionList(ext);
        return new ClientHello
        {
            Random = Random,
            LegacySessionId = SessionId,
            CipherSuites = CipherSuites,
            Extensions = _extensions,
        };
    }

    /// <summary>The second ClientHello: a fresh share for <paramref name="selected"/> (if given) and the cookie.</summary>
    public ClientHello Retry(NamedGroup? selected, byte[]? cookie, CipherSuite suite)
    {
        // A ticket of another hash than the HelloRetryRequest's suite is dropped from the second ClientHello.
        if (Ticket is not null && Crypto.CipherSuites.Hash(Ticket.Suite) != Crypto.CipherSuites.Hash(suite))
            Ticket = null;
        if (selected is { } g)
        {
            DisposeKeyShares();
            _shares.Add(_options.Provider.GenerateKeyShare(g));
        }
        return Build(cookie);
    }

    // Offered in signature_algorithms_cert after the options' schemes.
    private static readonly SignatureScheme[] CertificateOnlySchemes =
        [SignatureScheme.RsaPkcs1Sha256, SignatureScheme.RsaPkcs1Sha384, SignatureScheme.RsaPkcs1Sha512];

    public void DisposeKeyShares()
    {
        foreach (var s in _shares) s.Dispose();
        _shares.Clear();
    }
}
