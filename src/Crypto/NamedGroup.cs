namespace TlsEngine.Crypto;

/// <summary>Key exchange groups (RFC 8446 §4.2.7).</summary>
public enum NamedGroup : ushort
{
    Secp256r1 = 0x0017,
    Secp384r1 = 0x0018,
    Secp521r1 = 0x0019,
    X25519 = 0x001D,
    X448 = 0x001E,
}

public static class NamedGroups
{
    /// <summary>Groups this engine implements, in default preference order.</summary>
    public static IReadOnlyList<NamedGroup> Supported { get; } = [NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1];

    public static bool IsSupported(NamedGroup g) => g is NamedGroup.X25519 or NamedGroup.Secp256r1 or NamedGroup.Secp384r1;

    /// <summary>Length of a key_exchange value for the group (RFC 8446 §4.2.8.2, RFC 7748).</summary>
    public static int KeyShareLength(NamedGroup g) => g switch
    {
        NamedGroup.X25519 => 32,
        NamedGroup.Secp256r1 => 65,
        NamedGroup.Secp384r1 => 97,
        _ => 0,
    };

    /// <summary>Name as OpenSSL's -groups option spells it.</summary>
    public static string Name(NamedGroup g) => g switch
    {
        NamedGroup.X25519 => "X25519",
        NamedGroup.Secp256r1 => "P-256",
        NamedGroup.Secp384r1 => "P-384",
        NamedGroup.Secp521r1 => "P-521",
        NamedGroup.X448 => "X448",
        _ => $"0x{(ushort)g:x4}",
    };

    /// <summary>Parses OpenSSL spellings (X25519, P-256, prime256v1, secp256r1, ...).</summary>
    public static bool TryParse(string name, out NamedGroup group)
    {
        group = name.ToLowerInvariant() switch
        {
            "x25519" => NamedGroup.X25519,
            "p-256" or "prime256v1" or "secp256r1" => NamedGroup.Secp256r1,
            "p-384" or "secp384r1" => NamedGroup.Secp384r1,
            _ => 0,
        };
        return group != 0;
    }
}
