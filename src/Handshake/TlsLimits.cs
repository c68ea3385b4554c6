namespace TlsEngine;

/// <summary>
/// Resource limits that bound what a peer can make the engine do (DESIGN.md "Limits"). The defaults are safe for
/// servers exposed to the internet; raise them only for known peers.
/// </summary>
public sealed class TlsLimits
{
    /// <summary>Largest handshake message body accepted (bytes). Default 64 KiB.</summary>
    public int MaxHandshakeMessageSize { get; set; } = 64 * 1024;

    /// <summary>Most certificates accepted in a peer's Certificate message. Default 10.</summary>
    public int MaxCertificateChainLength { get; set; } = 10;

    /// <summary>Most extensions accepted in one ClientHello. Default 128.</summary>
    public int MaxClientHelloExtensions { get; set; } = 128;

    /// <summary>Records accepted before the handshake completes. Default 128.</summary>
    public int MaxHandshakeRecords { get; set; } = 128;

    /// <summary>Bytes accepted before the handshake completes. Default 256 KiB.</summary>
    public int MaxHandshakeBytes { get; set; } = 256 * 1024;

    /// <summary>KeyUpdate messages accepted without application data in between. Default 32.</summary>
    public int MaxKeyUpdatesWithoutData { get; set; } = 32;

    /// <summary>Consecutive empty application-data records accepted. Default 32.</summary>
    public int MaxEmptyRecords { get; set; } = 32;

    /// <summary>Bytes of rejected 0-RTT data skipped before the connection is refused (RFC 8446 §4.2.10). Default 64 KiB.</summary>
    public int MaxEarlyDataSkipped { get; set; } = 64 * 1024;

    /// <summary>
    /// Records sent under one key before the engine updates it on its own (RFC 8446 §5.5). Null uses the suite's
    /// limit (2^24.5 for AES-GCM); lower values exist for tests.
    /// </summary>
    public ulong? KeyUpdateAfterRecords { get; set; }

    /// <summary>
    /// Work allowed while building and validating a peer's chain (signature checks, path-building steps,
    /// name-constraint comparisons, policy tree size). Running out refuses the chain with bad_certificate.
    /// </summary>
    public X509.ValidationBudget PathValidationBudget { get; set; } = X509.ValidationBudget.Default;
}
