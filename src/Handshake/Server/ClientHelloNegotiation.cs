using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Server;

/// <summary>
/// The server's reading of a ClientHello (RFC 8446 §4.1.1, §4.1.2, §4.2, §9.2): the checks every ClientHello must pass
/// and the parameters chosen from it. <see cref="ClientShare"/> is null when a HelloRetryRequest is needed.
/// </summary>
internal sealed class ClientHelloNegotiation
{
    public required CipherSuite Suite { get; init; }
    public required NamedGroup Group { get; init; }
    public byte[]? ClientShare { get; init; }
    public required SignatureScheme SignatureScheme { get; init; }
    public string? ApplicationProtocol { get; init; }
    public string? ServerName { get; init; }
    public int? ClientRecordSizeLimit { get; init; }
    public bool OffersEarlyData { get; init; }

    /// <summary>The client asked for an OCSP staple (status_request, RFC 6066 §8).</summary>
    public bool WantsStaple { get; init; }
    public required byte[] SessionId { get; init; }

    /// <param name="hello">The ClientHello.</param>
    /// <param name="options">Server options.</param>
    /// <param name="first">For the second ClientHello, what the first one negotiated; else null.</param>
    /// <param name="cookie">For the second ClientHello, the cookie sent in the HelloRetryRequest, if any.</param>
    public static ClientHelloNegotiation Negotiate(ClientHello hello, TlsServerOptions options, ClientHelloNegotiation? first, byte[]? cookie)
    {
        var ext = hello.Extensions;
        CheckVersion(hello);
        // §4.1.2: legacy_compression_methods must be exactly one zero byte.
        if (hello.LegacyCompressionMethods is not [0])
            throw TlsAlert.IllegalParameter("ClientHello.legacy_compression_methods must be the single value 0 (RFC 8446 §4.1.2)");
        CheckPreSharedKey(ext);

        // §9.2: without pre_shared_key, signature_algorithms and supported_groups are mandatory, and key_share
        // and supported_groups come together.
        var sigBytes = ext.Find(ExtensionType.SignatureAlgorithms)
            ?? throw TlsAlert.MissingExtension("ClientHello has no signature_algorithms; certificate authentication needs it (RFC 8446 §9.2)");
        var groupBytes = ext.Find(ExtensionType.SupportedGroups)
            ?? throw TlsAlert.MissingExtension("ClientHello has no supported_groups (RFC 8446 §9.2)");
        var shareBytes = ext.Find(ExtensionType.KeyShare)
            ?? throw TlsAlert.MissingExtension("ClientHello has supported_groups but no key_share (RFC 8446 §9.2)");
        var clientSchemes = U16ListExtension.Parse<SignatureScheme>(sigBytes, "ClientHello.signature_algorithms");
        var clientGroups = U16ListExtension.Parse<NamedGroup>(groupBytes, "ClientHello.supported_groups");
        var shares = KeyShareExtension.ParseClientHello(shareBytes);
        foreach (var s in shares)
        {
            if (!clientGroups.Contains(s.Group))
                throw TlsAlert.IllegalParameter($"ClientHello.key_share has a share for {NamedGroups.Name(s.Group)}, which is not in supported_groups (RFC 8446 §4.2.8)");
        }

        var suite = ChooseSuite(hello, options, first);
        var scheme = CertificateAuthentication.ChooseScheme(options.Certificate!, clientSchemes, options.SignatureSchemes)
            ?? throw TlsAlert.HandshakeFailure($"no signature scheme offered by the client ({string.Join(", ", clientSchemes.Select(SignatureSchemes.Name))}) fits the server key");

        NamedGroup group;
        byte[]? clientShare = null;
        if (first is not null)
        {
            CheckSecondHello(hello, first, cookie);
            group = first.Group;
            if (shares.Count != 1 || shares[0].Group != group)
                throw TlsAlert.IllegalParameter($"the second ClientHello must carry exactly one key share, for {NamedGroups.Name(group)} (RFC 8446 §4.1.2)");
            // Kept with the negotiation: a copy, not a slice of the message.
            clientShare = shares[0].KeyExchange.ToArray();
        }
        else
        {
            (group, clientShare) = ChooseGroup(options, clientGroups, shares);
        }
        if (clientShare is not null && clientShare.Length != NamedGroups.KeyShareLength(group))
            throw TlsAlert.IllegalParameter($"ClientHello.key_share for {NamedGroups.Name(group)} is {clientShare.Length} bytes; {NamedGroups.KeyShareLength(group)} expected (RFC 8446 §4.2.8.2)");

        int? recordSizeLimit = ext.Find(ExtensionType.RecordSizeLimit) is { } rsl
            ? RecordSizeLimitExtension.Parse(rsl, "ClientHello.record_size_limit")
            : null;
        return new ClientHelloNegotiation
        {
            Suite = suite,
            Group = group,
            ClientShare = clientShare,
            SignatureScheme = scheme,
            ApplicationProtocol = ChooseApplicationProtocol(ext, options),
            ServerName = ext.Find(ExtensionType.ServerName) is { } sni ? ServerNameExtension.ParseClientHello(sni) : null,
            ClientRecordSizeLimit = recordSizeLimit,
            OffersEarlyData = ext.Contains(ExtensionType.EarlyData),
            WantsStaple = ext.Find(ExtensionType.StatusRequest) is { } sr && StatusRequestExtension.ParseClientHello(sr),
            SessionId = hello.LegacySessionId,
        };
    }

    /// <summary>§4.2.1 and Appendix D: TLS 1.3 is negotiated only through supported_versions.</summary>
    private static void CheckVersion(ClientHello hello)
    {
        if (hello.LegacyVersion <= 0x0300)
            throw TlsAlert.ProtocolVersion($"ClientHello.legacy_version 0x{hello.LegacyVersion:x4} is SSL 3.0 or older (RFC 8446 §D.5)");
        var versionBytes = hello.Extensions.Find(ExtensionType.SupportedVersions)
            ?? throw TlsAlert.ProtocolVersion("ClientHello has no supported_versions: the client offers only TLS 1.2 or older");
        if (!SupportedVersionsExtension.ParseClientHello(versionBytes).Contains(SupportedVersionsExtension.Tls13))
            throw TlsAlert.ProtocolVersion("ClientHello.supported_versions does not offer TLS 1.3");
        // Other legacy_version values are ignored: "servers MUST NOT use the ClientHello.legacy_version value for
        // version negotiation and MUST use only the supported_versions extension" (§4.2.1).
    }

    /// <summary>§4.2.11: pre_shared_key must be the last extension, and needs psk_key_exchange_modes (§4.2.9).</summary>
    private static void CheckPreSharedKey(ExtensionList ext)
    {
        if (!ext.Contains(ExtensionType.PreSharedKey)) return;
        if (ext.Items[^1].Type != ExtensionType.PreSharedKey)
            throw TlsAlert.IllegalParameter("ClientHello.pre_shared_key is not the last extension (RFC 8446 §4.2.11)");
        if (!ext.Contains(ExtensionType.PskKeyExchangeModes))
            throw TlsAlert.MissingExtension("ClientHello offers pre_shared_key without psk_key_exchange_modes (RFC 8446 §4.2.9)");
    }

    private static CipherSuite ChooseSuite(ClientHello hello, TlsServerOptions options, ClientHelloNegotiation? first)
    {
        if (first is not null)
        {
            // §4.1.4: the second ClientHello must still offer the suite the HelloRetryRequest chose.
            if (Array.IndexOf(hello.CipherSuites, first.Suite) < 0)
                throw TlsAlert.IllegalParameter($"the second ClientHello no longer offers {first.Suite} (RFC 8446 §4.1.4)");
            return first.Suite;
        }
        foreach (var s in options.CipherSuites)
        {
            if (Array.IndexOf(hello.CipherSuites, s) >= 0) return s;
        }
        throw TlsAlert.HandshakeFailure("no cipher suite in common with the client");
    }

    /// <summary>
    /// The most preferred of our groups for which the client sent a share; otherwise our most preferred group the
    /// client supports, which needs a HelloRetryRequest (RFC 8446 §4.1.1).
    /// </summary>
    private static (NamedGroup, byte[]?) ChooseGroup(TlsServerOptions options, List<NamedGroup> clientGroups, List<KeyShareEntry> shares)
    {
        // Indexed: foreach over the IList would allocate an enumerator per handshake.
        var ours = options.Groups;
        for (int i = 0; i < ours.Count; i++)
        {
            foreach (var s in shares)
            {
                if (s.Group == ours[i]) return (ours[i], s.KeyExchange.ToArray()); // kept: a copy
            }
        }
        for (int i = 0; i < ours.Count; i++)
        {
            if (clientGroups.Contains(ours[i])) return (ours[i], null);
        }
        throw TlsAlert.HandshakeFailure($"no key-exchange group in common with the client (it offers {string.Join(", ", clientGroups.Select(NamedGroups.Name))})");
    }

    private static void CheckSecondHello(ClientHello hello, ClientHelloNegotiation first, byte[]? cookie)
    {
        if (!hello.LegacySessionId.AsSpan().SequenceEqual(first.SessionId))
            throw TlsAlert.IllegalParameter("the second ClientHello changed legacy_session_id (RFC 8446 §4.1.2)");
        if (cookie is null) return;
        var echoed = hello.Extensions.Find(ExtensionType.Cookie)
            ?? throw TlsAlert.MissingExtension("the second ClientHello does not echo the HelloRetryRequest cookie (RFC 8446 §4.2.2)");
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(CookieExtension.Parse(echoed, "ClientHello.cookie"), cookie))
            throw TlsAlert.IllegalParameter("the second ClientHello's cookie differs from the HelloRetryRequest's (RFC 8446 §4.2.2)");
    }

    /// <summary>RFC 7301 §3.2: the server's most preferred protocol the client offers; none in common → no_application_protocol.</summary>
    private static string? ChooseApplicationProtocol(ExtensionList ext, TlsServerOptions options)
    {
        if (ext.Find(ExtensionType.ApplicationLayerProtocolNegotiation) is not { } data)
            return null;
        var offered = AlpnExtension.Parse(data, "ClientHello.application_layer_protocol_negotiation");
        if (options.ApplicationProtocols.Count == 0)
            return null;
        foreach (var p in options.ApplicationProtocols)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(p);
            foreach (var o in offered)
            {
                if (o.AsSpan().SequenceEqual(bytes)) return p;
            }
        }
        throw new TlsAlertException(AlertDescription.NoApplicationProtocol, "none of the client's ALPN protocols is supported (RFC 7301 §3.2)");
    }
}
