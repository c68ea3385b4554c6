using System.Net;

namespace TlsEngine.X509;

/// <summary>The purpose the end-entity certificate must allow (RFC 5280 §4.2.1.12).</summary>
public enum KeyPurpose
{
    /// <summary>No extendedKeyUsage requirement.</summary>
    Any,
    /// <summary>id-kp-serverAuth (TLS server).</summary>
    ServerAuth,
    /// <summary>id-kp-clientAuth (TLS client).</summary>
    ClientAuth,
}

/// <summary>
/// Inputs of one path validation. The clock is injected: the validator never reads the system time. A record, so a
/// variant is one <c>with</c> expression away.
/// </summary>
public sealed record ValidationOptions
{
    /// <summary>The default of <see cref="MaxDepth"/>.</summary>
    public const int DefaultMaxDepth = 8;

    /// <summary>The time at which every certificate, the trust anchor included, must be valid.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>
    /// The purpose the leaf's extendedKeyUsage must allow; an absent extendedKeyUsage allows any. The TLS purposes also
    /// require a leaf keyUsage, when present, to include digitalSignature (RFC 8446 §4.4.2.2: TLS 1.3 signs with the key).
    /// </summary>
    public KeyPurpose Purpose { get; init; } = KeyPurpose.Any;

    /// <summary>When set, the leaf must carry a matching dNSName (RFC 6125 §6.4; no CN fallback).</summary>
    public string? DnsName { get; init; }

    /// <summary>When set, the leaf must carry an equal iPAddress subjectAltName.</summary>
    public IPAddress? IpAddress { get; init; }

    /// <summary>
    /// Maximum number of intermediate certificates between the leaf and the trust anchor (default 8). Like
    /// pathLenConstraint (RFC 5280 §6.1.4 (l)), self-issued intermediates (key rollover certificates) are not counted;
    /// <see cref="Budget"/> bounds the total work whatever the path.
    /// </summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>
    /// Applies the certificate-profile rules that RFC 5280 states for conforming CAs (and a few CA/Browser Forum
    /// Baseline Requirements rules) on top of §6.1 path validation. Default true; the TLS engine keeps it true.
    /// Certificates made by .NET's CertificateRequest with SKI/AKI, OpenSSL 3 defaults and public CAs conform; set
    /// false only for a private PKI whose CA software omits them. The rules:
    /// <list type="bullet">
    /// <item>CA certificates (intermediates and v3 trust anchors) carry subjectKeyIdentifier (§4.2.1.2) and a critical
    /// basicConstraints (§4.2.1.9).</item>
    /// <item>Every certificate below the trust anchor carries authorityKeyIdentifier with keyIdentifier (§4.2.1.1).</item>
    /// <item>A self-issued trust anchor's authorityKeyIdentifier, when present, is its subjectKeyIdentifier and nothing
    /// else (CA/B BR 7.1.2.1.3).</item>
    /// <item>The end-entity certificate is not a CA (basicConstraints cA false, CA/B BR 7.1.2.7.8) unless it is itself a
    /// trust anchor, and does not mark subjectAltName critical when its subject is non-empty (§4.2.1.6, CA/B BR
    /// 7.1.2.7.12).</item>
    /// </list>
    /// </summary>
    public bool StrictProfile { get; init; } = true;

    /// <summary>
    /// CA/B BR 7.1.4.3 (opt-in, default false): every subject commonName of the end-entity certificate must be a
    /// character-for-character copy of one of its dNSName subjectAltNames, or the canonical text (dotted quad, RFC 5952)
    /// of one of its iPAddress subjectAltNames. Public Web PKI certificates follow it; private PKIs often put a
    /// service name in the CN that is not a host name, so the TLS engine does not require it.
    /// </summary>
    public bool RequireCommonNameInSubjectAltName { get; init; }

    /// <summary>
    /// Certificate revocation lists to consult (RFC 5280 §6.3). For each certificate of the path below the trust anchor,
    /// the CRLs whose issuer is that certificate's issuer must be signed by it, current at <see cref="Time"/> and free of
    /// unprocessed critical extensions; a listed serial number fails validation with
    /// <see cref="CertificateErrorCode.Revoked"/>. When CRLs from the issuer are supplied but none is usable, validation
    /// fails with <see cref="CertificateErrorCode.RevocationStatusUnknown"/>. A certificate whose issuer has no CRL here
    /// is accepted unless <see cref="RequireRevocationStatus"/> is set.
    /// </summary>
    public IReadOnlyList<CertificateRevocationList> Crls { get; init; } = [];

    /// <summary>When true, every certificate below the trust anchor must be covered by a usable CRL of <see cref="Crls"/>.</summary>
    public bool RequireRevocationStatus { get; init; }

    /// <summary>
    /// RFC 5280 §6.1.1 (c) user-initial-policy-set as dotted OIDs; null (the default) means {anyPolicy}.
    /// </summary>
    public IReadOnlyCollection<string>? InitialPolicySet { get; init; }

    /// <summary>RFC 5280 §6.1.1 (e) initial-policy-mapping-inhibit.</summary>
    public bool InitialPolicyMappingInhibit { get; init; }

    /// <summary>RFC 5280 §6.1.1 (f) initial-explicit-policy: the path must be valid for at least one policy of the set.</summary>
    public bool InitialExplicitPolicy { get; init; }

    /// <summary>RFC 5280 §6.1.1 (g) initial-any-policy-inhibit.</summary>
    public bool InitialAnyPolicyInhibit { get; init; }

    /// <summary>Work limits for the path search.</summary>
    public ValidationBudget Budget { get; init; } = ValidationBudget.Default;
}
