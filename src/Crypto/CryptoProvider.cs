namespace TlsEngine.Crypto;

/// <summary>
/// The source of randomness and ephemeral keys for the engine. The default uses the operating system's RNG
/// (<see cref="SystemRandom"/>: getrandom(2) on Linux); tests derive from it to make handshakes deterministic
/// (RFC 8448 traces), fuzzers to make them cheap.
/// </summary>
public class CryptoProvider
{
    public static CryptoProvider Default { get; } = new();

    public virtual void FillRandom(Span<byte> destination) => SystemRandom.Fill(destination);

    /// <summary>Generates a fresh ephemeral key pair for <paramref name="group"/>.</summary>
    public virtual KeyShare GenerateKeyShare(NamedGroup group) => group switch
    {
        NamedGroup.X25519 => new X25519KeyShare(this),
        NamedGroup.Secp256r1 or NamedGroup.Secp384r1 => new EcdhKeyShare(group),
        _ => throw new ArgumentOutOfRangeException(nameof(group), $"group {NamedGroups.Name(group)} is not supported"),
    };

    /// <summary>An X25519 key share with a fixed private key (test vectors only).</summary>
    internal static KeyShare X25519FromPrivateKey(ReadOnlySpan<byte> privateKey) => new X25519KeyShare(privateKey);
}
