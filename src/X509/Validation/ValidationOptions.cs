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

/// <summary>Inputs of one path validation. The clock is injected: the validator never reads the system time.</summary>
public sealed class ValidationOptions
{
    /// <summary>The time at which every certificate (except the trust anchor) must be valid.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The purpose the leaf's extendedKeyUsage must allow; an absent extendedKeyUsage allows any.</summary>
    public KeyPurpose Purpose { get; init; } = KeyPurpose.Any;

    /// <summary>When set, the leaf must carry a matching dNSName (RFC 6125 §6.4; no CN fallback).</summary>
    public string? DnsName { get; init; }

    /// <summary>When set, the leaf must carry an equal iPAddress subjectAltName.</summary>
    public IPAddress? IpAddress { get; init; }

    /// <summary>Maximum number of intermediate certificates between the leaf and the trust anchor (default 8).</summary>
    public int MaxDepth { get; init; } = 8;

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
