using TlsEngine.Crypto;
using TlsEngine.Interop.Tests.Infrastructure;

namespace TlsEngine.Interop.Tests.Matrix;

/// <summary>Which side is our engine.</summary>
public enum Direction
{
    /// <summary>Our server, openssl s_client.</summary>
    EngineServer,

    /// <summary>Our client, openssl s_server.</summary>
    EngineClient,
}

/// <summary>One handshake of the interop matrix: who is who, the group and suite to negotiate, both certificate key types.</summary>
public sealed record MatrixCase(Direction Direction, NamedGroup Group, CipherSuite Suite, KeyType ServerKey, KeyType ClientKey)
{
    public static readonly NamedGroup[] Groups = [NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1];
    public static readonly CipherSuite[] Suites = [.. CipherSuites.Supported];

    public string Tag => $"{(Direction == Direction.EngineServer ? "srv" : "cli")}-{NamedGroups.Name(Group)}-{(ushort)Suite:x4}-{ServerKey.FilePart()}-{ClientKey.FilePart()}";

    public override string ToString() =>
        $"{(Direction == Direction.EngineServer ? "our server + s_client" : "our client + s_server")}, {NamedGroups.Name(Group)}, {Suite}, " +
        $"server cert {ServerKey}, client cert {ClientKey}";
}
