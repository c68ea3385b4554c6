using TlsEngine.Crypto;
using TlsEngine.Extensions;

namespace TlsEngine.Fuzz.Support;

/// <summary>
/// Runs the decoder the engine uses for each extension of a block, as the message <paramref name="in"/> would be read
/// (src/Handshake/Extensions). Unknown extensions are ignored, as the engine ignores them.
/// </summary>
internal static class ExtensionDecoders
{
    public static void DecodeAll(ExtensionList list, ExtensionContext @in)
    {
        foreach (var e in list.Items) Decode(e.Type, e.Data, @in);
    }

    public static void Decode(ExtensionType type, ReadOnlyMemory<byte> data, ExtensionContext @in)
    {
        bool ch = @in == ExtensionContext.ClientHello;
        switch (type)
        {
            case ExtensionType.ServerName when ch: ServerNameExtension.ParseClientHello(data); break;
            case ExtensionType.StatusRequest when ch: StatusRequestExtension.ParseClientHello(data); break;
            case ExtensionType.StatusRequest when @in == ExtensionContext.Certificate: StatusRequestExtension.ParseCertificateStatus(data); break;
            case ExtensionType.SupportedGroups: U16ListExtension.Parse<NamedGroup>(data, "supported_groups"); break;
            case ExtensionType.SignatureAlgorithms or ExtensionType.SignatureAlgorithmsCert:
                U16ListExtension.Parse<SignatureScheme>(data, "signature_algorithms"); break;
            case ExtensionType.ApplicationLayerProtocolNegotiation when ch: AlpnExtension.Parse(data, "alpn"); break;
            case ExtensionType.ApplicationLayerProtocolNegotiation: AlpnExtension.ParseServer(data); break;
            case ExtensionType.RecordSizeLimit: RecordSizeLimitExtension.Parse(data, "record_size_limit"); break;
            case ExtensionType.PreSharedKey when ch: PreSharedKeyExtension.ParseClientHello(data); break;
            case ExtensionType.PreSharedKey: PreSharedKeyExtension.ParseServerHello(data); break;
            case ExtensionType.SupportedVersions when ch: SupportedVersionsExtension.ParseClientHello(data); break;
            case ExtensionType.SupportedVersions: SupportedVersionsExtension.ParseServerHello(data, @in == ExtensionContext.HelloRetryRequest); break;
            case ExtensionType.Cookie: CookieExtension.Parse(data, "cookie"); break;
            case ExtensionType.PskKeyExchangeModes: PskKeyExchangeModesExtension.Parse(data); break;
            case ExtensionType.CertificateAuthorities: CertificateAuthoritiesExtension.Parse(data, "certificate_authorities"); break;
            case ExtensionType.KeyShare when ch: KeyShareExtension.ParseClientHello(data); break;
            case ExtensionType.KeyShare when @in == ExtensionContext.HelloRetryRequest: KeyShareExtension.ParseHelloRetryRequest(data); break;
            case ExtensionType.KeyShare: KeyShareExtension.ParseServerHello(data); break;
        }
    }
}
