namespace TlsEngine.Extensions;

/// <summary>Extension types (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 8449).</summary>
public enum ExtensionType : ushort
{
    ServerName = 0,
    MaxFragmentLength = 1,
    StatusRequest = 5,
    SupportedGroups = 10,
    SignatureAlgorithms = 13,
    UseSrtp = 14,
    Heartbeat = 15,
    ApplicationLayerProtocolNegotiation = 16,
    SignedCertificateTimestamp = 18,
    ClientCertificateType = 19,
    ServerCertificateType = 20,
    Padding = 21,
    RecordSizeLimit = 28,
    PreSharedKey = 41,
    EarlyData = 42,
    SupportedVersions = 43,
    Cookie = 44,
    PskKeyExchangeModes = 45,
    CertificateAuthorities = 47,
    OidFilters = 48,
    PostHandshakeAuth = 49,
    SignatureAlgorithmsCert = 50,
    KeyShare = 51,
}

/// <summary>Where each recognized extension may appear (the table of RFC 8446 §4.2, plus RFC 8449 for record_size_limit).</summary>
[Flags]
internal enum ExtensionContext
{
    None = 0,
    ClientHello = 1,
    ServerHello = 2,
    HelloRetryRequest = 4,
    EncryptedExtensions = 8,
    Certificate = 16,
    CertificateRequest = 32,
    NewSessionTicket = 64,
}

internal static class ExtensionRules
{
    /// <summary>Messages in which a recognized extension is allowed; None for extensions this engine does not recognize.</summary>
    public static ExtensionContext AllowedIn(ExtensionType type) => type switch
    {
        ExtensionType.ServerName or ExtensionType.MaxFragmentLength or ExtensionType.SupportedGroups or ExtensionType.UseSrtp
            or ExtensionType.Heartbeat or ExtensionType.ApplicationLayerProtocolNegotiation or ExtensionType.ClientCertificateType
            or ExtensionType.ServerCertificateType or ExtensionType.RecordSizeLimit
            => ExtensionContext.ClientHello | ExtensionContext.EncryptedExtensions,
        ExtensionType.StatusRequest or ExtensionType.SignedCertificateTimestamp
            => ExtensionContext.ClientHello | ExtensionContext.CertificateRequest | ExtensionContext.Certificate,
        ExtensionType.SignatureAlgorithms or ExtensionType.SignatureAlgorithmsCert or ExtensionType.CertificateAuthorities
            => ExtensionContext.ClientHello | ExtensionContext.CertificateRequest,
        ExtensionType.Padding or ExtensionType.PskKeyExchangeModes or ExtensionType.PostHandshakeAuth => ExtensionContext.ClientHello,
        ExtensionType.KeyShare or ExtensionType.SupportedVersions
            => ExtensionContext.ClientHello | ExtensionContext.ServerHello | ExtensionContext.HelloRetryRequest,
        ExtensionType.PreSharedKey => ExtensionContext.ClientHello | ExtensionContext.ServerHello,
        ExtensionType.EarlyData => ExtensionContext.ClientHello | ExtensionContext.EncryptedExtensions | ExtensionContext.NewSessionTicket,
        ExtensionType.Cookie => ExtensionContext.ClientHello | ExtensionContext.HelloRetryRequest,
        ExtensionType.OidFilters => ExtensionContext.CertificateRequest,
        _ => ExtensionContext.None,
    };

    public static string Name(ExtensionType t) => Enum.IsDefined(t) ? t.ToString() : $"extension {(ushort)t}";
}
