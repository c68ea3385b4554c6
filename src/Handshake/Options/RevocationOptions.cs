namespace TlsEngine;

/// <summary>How a peer's OCSP staple is used (RFC 6066 §8, RFC 8446 §4.4.2.1, RFC 6960).</summary>
public enum OcspPolicy
{
    /// <summary>No status is asked for, and staples are ignored.</summary>
    Off,

    /// <summary>
    /// A staple is asked for and, when present, must be valid (else bad_certificate_status_response); a revoked
    /// status is refused with certificate_revoked. A missing staple is accepted — unless the certificate carries
    /// the TLS Feature "must staple" (RFC 7633), which makes it required.
    /// </summary>
    SoftFail,

    /// <summary>A valid staple with status good is required: otherwise bad_certificate_status_response (or certificate_revoked).</summary>
    Require,
}

/// <summary>Revocation checking of the peer's certificate during the handshake. The handshake never waits for a responder.</summary>
public sealed class RevocationOptions
{
    /// <summary>What the peer's OCSP staple must be. Default <see cref="OcspPolicy.SoftFail"/>.</summary>
    public OcspPolicy Ocsp { get; set; } = OcspPolicy.SoftFail;

    /// <summary>Clock skew tolerated on a staple's thisUpdate and nextUpdate. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Certificate revocation lists checked for every certificate of the peer's path below the trust anchor
    /// (RFC 5280 §6.3), in addition to any staple: either one reporting the certificate revoked refuses it with
    /// certificate_revoked. Use <see cref="X509.CrlCache"/> to load them from files and distribution points and keep
    /// them current in the background. Null (the default): no CRL checks.
    /// </summary>
    public X509.ICrlSource? Crls { get; set; }

    /// <summary>
    /// Checks intermediate CAs of the peer's path with OCSP (RFC 6960) from this client's cache: a cached "revoked"
    /// refuses the handshake with certificate_revoked; a certificate not in the cache is fetched in the background for
    /// later handshakes (the handshake never waits). Only the leaf is stapled, so this covers the rest of the path.
    /// Null (the default): intermediates are not checked with OCSP.
    /// </summary>
    public X509.OcspClient? IntermediateOcsp { get; set; }

    /// <summary>
    /// With <see cref="Crls"/>: every certificate below the anchor must be covered by a current CRL from its issuer,
    /// else certificate_unknown. Default false (certificates whose issuer publishes no CRL here are accepted).
    /// </summary>
    public bool RequireCrlCoverage { get; set; }
}
