using TlsEngine.Crypto;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>What our engine reports about a connection, captured right after the handshake.</summary>
public sealed record EngineView(
    CipherSuite? Suite,
    NamedGroup? Group,
    SignatureScheme? LocalScheme,
    SignatureScheme? PeerScheme,
    bool HelloRetried,
    PeerIdentity? Peer)
{
    public static EngineView From(TlsConnection c) =>
        new(c.CipherSuite, c.NamedGroup, c.LocalSignatureScheme, c.PeerSignatureScheme, c.HelloRetried, c.PeerIdentity);

    public override string ToString() =>
        $"suite={Suite}, group={(Group is { } g ? NamedGroups.Name(g) : "-")}, " +
        $"signed={(LocalScheme is { } l ? SignatureSchemes.Name(l) : "-")}, peer signed={(PeerScheme is { } p ? SignatureSchemes.Name(p) : "-")}, " +
        $"hrr={HelloRetried}, peer=[{Peer}]";
}
