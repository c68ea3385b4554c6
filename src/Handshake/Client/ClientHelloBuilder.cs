using TlsEngine.Codec;
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
    private ExtensionTypeSet _offered;

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
        // Indexed: a foreach over the interface would box its enumerator.
        if (options.KeyShareGroups is { } shareGroups)
        {
            for (int i = 0; i < shareGroups.Count; i++) _shares.Add(provider.GenerateKeyShare(shareGroups[i]));
        }
        else
        {
            _shares.Add(provider.GenerateKeyShare(options.Groups[0]));
        }
        // RFC 6066 §3: literal IP addresses are not sent as server_name.
        if (options.ServerName is { } name && !System.Net.IPAddress.TryParse(name, out _))
            ServerNameSent = name;
    }

    public byte[] Random { get; }
    public byte[] SessionId { get; }
    // Snapshots of the options' lists, as offered in this ClientHello.
    public CipherSuite[] CipherSuites { get; }
    public NamedGroup[] Groups { get; }
    public string? ServerNameSent { get; }

    /// <summary>The ticket offered in pre_shared_key, or null.</summary>
    public ClientSessionTicket? Ticket { get; private set; }

    /// <summary>Length of the PSK binder (the ticket's hash length).</summary>
    public int BinderLength => Ticket is null ? 0 : Crypto.CipherSuites.HashLength(Ticket.Suite);

    /// <summary>The extension types of the last ClientHello written, for checking that answers were offered (RFC 8446 §4.2).</summary>
    public ExtensionTypeSet Offered => _offered;

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

    /// <summary>
    /// Writes the ClientHello (RFC 8446 §4.1.2) with each extension encoded in place; pre_shared_key, if any, goes
    /// last with a zero binder for the caller to patch (§4.2.11).
    /// </summary>
    public void Write(TlsWriter w, byte[]? cookie = null)
    {
        _offered.Clear();
        int at = ClientHello.WriteStart(w, 0x0303, Random, SessionId, CipherSuites, ClientHello.NullCompression);
        int block = w.BeginVector16();
        int e;
        if (ServerNameSent is not null)
        {
            e = Begin(w, ExtensionType.ServerName);
            ServerNameExtension.WriteClientHello(w, ServerNameSent);
            ExtensionList.EndExtension(w, e);
        }
        e = Begin(w, ExtensionType.SupportedGroups);
        U16ListExtension.Write(w, Groups);
        ExtensionList.EndExtension(w, e);
        e = Begin(w, ExtensionType.SignatureAlgorithms);
        U16ListExtension.Write(w, _options.SignatureSchemes);
        ExtensionList.EndExtension(w, e);
        // Certificates may carry RSASSA-PKCS1-v1_5 signatures even though CertificateVerify may not (RFC 8446 §4.2.3).
        e = Begin(w, ExtensionType.SignatureAlgorithmsCert);
        U16ListExtension.Write(w, _options.SignatureSchemes, CertificateOnlySchemes);
        ExtensionList.EndExtension(w, e);
        if (_options.ApplicationProtocols.Count > 0)
        {
            e = Begin(w, ExtensionType.ApplicationLayerProtocolNegotiation);
            AlpnExtension.Write(w, _options.ApplicationProtocols);
            ExtensionList.EndExtension(w, e);
        }
        e = Begin(w, ExtensionType.RecordSizeLimit);
        RecordSizeLimitExtension.Write(w, _options.RecordSizeLimit);
        ExtensionList.EndExtension(w, e);
        if (_options.Revocation.Ocsp != OcspPolicy.Off)
            Add(w, ExtensionType.StatusRequest, StatusRequestExtension.ClientHelloData);
        Add(w, ExtensionType.SupportedVersions, SupportedVersionsExtension.ClientHelloData);
        // Only (EC)DHE-authenticated PSKs would be accepted (psk_dhe_ke); offering the mode lets servers send tickets.
        Add(w, ExtensionType.PskKeyExchangeModes, PskKeyExchangeModesExtension.DheOnly);
        if (cookie is not null)
        {
            e = Begin(w, ExtensionType.Cookie);
            CookieExtension.Write(w, cookie);
            ExtensionList.EndExtension(w, e);
        }
        e = Begin(w, ExtensionType.KeyShare);
        KeyShareExtension.WriteClientHello(w, _shares);
        ExtensionList.EndExtension(w, e);
        if (Ticket is { } t)
        {
            // pre_shared_key goes last (RFC 8446 §4.2.11); the binder is filled in once the message is hashed.
            var age = _options.TimeProvider.GetUtcNow() - t.Received;
            uint obfuscated = unchecked((uint)(long)age.TotalMilliseconds + t.AgeAdd);
            e = Begin(w, ExtensionType.PreSharedKey);
            PreSharedKeyExtension.WriteClientHello(w, t.Ticket, obfuscated, BinderLength);
            ExtensionList.EndExtension(w, e);
        }
        w.EndVector16(block);
        w.EndVector24(at);
    }

    private int Begin(TlsWriter w, ExtensionType type)
    {
        _offered.Add(type);
        return ExtensionList.BeginExtension(w, type);
    }

    private void Add(TlsWriter w, ExtensionType type, ReadOnlySpan<byte> data)
    {
        _offered.Add(type);
        ExtensionList.WriteExtension(w, type, data);
    }

    /// <summary>The second ClientHello: a fresh share for <paramref name="selected"/> (if given) and the cookie.</summary>
    public void WriteRetry(TlsWriter w, NamedGroup? selected, byte[]? cookie, CipherSuite suite)
    {
        // A ticket of another hash than the HelloRetryRequest's suite is dropped from the second ClientHello.
        if (Ticket is not null && Crypto.CipherSuites.Hash(Ticket.Suite) != Crypto.CipherSuites.Hash(suite))
            Ticket = null;
        if (selected is { } g)
        {
            DisposeKeyShares();
            _shares.Add(_options.Provider.GenerateKeyShare(g));
        }
        Write(w, cookie);
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
