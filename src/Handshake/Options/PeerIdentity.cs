using System.Net;
using TlsEngine.X509;

namespace TlsEngine;

/// <summary>
/// The verified identity of the peer: its certificate chain validated to a trust anchor, and the names its leaf
/// certificate carries. Passed to the authorization callback and exposed by the connection after the handshake.
/// </summary>
public sealed class PeerIdentity
{
    private string? _subject;

    internal PeerIdentity(IReadOnlyList<Certificate> chain) => Chain = chain;

    /// <summary>The leaf certificate's subject, RFC 4514 style (formatted on first use).</summary>
    public string Subject => _subject ??= Certificate.Subject.ToString();

    // The leaf's names, which the certificate decodes on first use.
    public IReadOnlyList<string> DnsNames => Certificate.DnsNames;
    public IReadOnlyList<IPAddress> IpAddresses => Certificate.IpAddresses;
    public IReadOnlyList<string> Uris => Certificate.Uris;

    /// <summary>The SPIFFE ID (X509-SVID URI SAN), or null.</summary>
    public string? SpiffeId => Certificate.SpiffeId;

    /// <summary>The validated chain: leaf first, trust anchor last.</summary>
    public IReadOnlyList<Certificate> Chain { get; }

    public Certificate Certificate => Chain[0];

    public override string ToString()
    {
        var parts = new List<string> { $"subject \"{Subject}\"" };
        if (SpiffeId is not null) parts.Add($"SPIFFE ID {SpiffeId}");
        if (DnsNames.Count > 0) parts.Add($"DNS {string.Join(",", DnsNames)}");
        if (IpAddresses.Count > 0) parts.Add($"IP {string.Join(",", IpAddresses)}");
        if (Uris.Count > 0 && SpiffeId is null) parts.Add($"URI {string.Join(",", Uris)}");
        return string.Join("; ", parts);
    }
}
