namespace TlsEngine.Record;

/// <summary>Alert levels (RFC 8446 §6). In TLS 1.3 the level is implied by the description.</summary>
public enum AlertLevel : byte
{
    Warning = 1,
    Fatal = 2,
}

/// <summary>Alert descriptions (RFC 8446 §6).</summary>
public enum AlertDescription : byte
{
    CloseNotify = 0,
    UnexpectedMessage = 10,
    BadRecordMac = 20,
    RecordOverflow = 22,
    HandshakeFailure = 40,
    BadCertificate = 42,
    UnsupportedCertificate = 43,
    CertificateRevoked = 44,
    CertificateExpired = 45,
    CertificateUnknown = 46,
    IllegalParameter = 47,
    UnknownCa = 48,
    AccessDenied = 49,
    DecodeError = 50,
    DecryptError = 51,
    ProtocolVersion = 70,
    InsufficientSecurity = 71,
    InternalError = 80,
    InappropriateFallback = 86,
    UserCanceled = 90,
    MissingExtension = 109,
    UnsupportedExtension = 110,
    UnrecognizedName = 112,
    BadCertificateStatusResponse = 113,
    UnknownPskIdentity = 115,
    CertificateRequired = 116,
    NoApplicationProtocol = 120,
}

public static class AlertDescriptions
{
    /// <summary>The RFC 8446 §6 spelling, e.g. "certificate_required".</summary>
    public static string Name(AlertDescription d) => d switch
    {
        AlertDescription.CloseNotify => "close_notify",
        AlertDescription.UnexpectedMessage => "unexpected_message",
        AlertDescription.BadRecordMac => "bad_record_mac",
        AlertDescription.RecordOverflow => "record_overflow",
        AlertDescription.HandshakeFailure => "handshake_failure",
        AlertDescription.BadCertificate => "bad_certificate",
        AlertDescription.UnsupportedCertificate => "unsupported_certificate",
        AlertDescription.CertificateRevoked => "certificate_revoked",
        AlertDescription.CertificateExpired => "certificate_expired",
        AlertDescription.CertificateUnknown => "certificate_unknown",
        AlertDescription.IllegalParameter => "illegal_parameter",
        AlertDescription.UnknownCa => "unknown_ca",
        AlertDescription.AccessDenied => "access_denied",
        AlertDescription.DecodeError => "decode_error",
        AlertDescription.DecryptError => "decrypt_error",
        AlertDescription.ProtocolVersion => "protocol_version",
        AlertDescription.InsufficientSecurity => "insufficient_security",
        AlertDescription.InternalError => "internal_error",
        AlertDescription.InappropriateFallback => "inappropriate_fallback",
        AlertDescription.UserCanceled => "user_canceled",
        AlertDescription.MissingExtension => "missing_extension",
        AlertDescription.UnsupportedExtension => "unsupported_extension",
        AlertDescription.UnrecognizedName => "unrecognized_name",
        AlertDescription.BadCertificateStatusResponse => "bad_certificate_status_response",
        AlertDescription.UnknownPskIdentity => "unknown_psk_identity",
        AlertDescription.CertificateRequired => "certificate_required",
        AlertDescription.NoApplicationProtocol => "no_application_protocol",
        _ => $"alert({(byte)d})",
    };
}
