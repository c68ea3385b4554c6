namespace TlsEngine.Crypto;

/// <summary>
/// The platform's OpenSSL 3 libcrypto, which the BCL itself loads on Linux. The classes that call it directly
/// (<see cref="LibCryptoSha2"/>, <see cref="LibCryptoAesGcm"/>, <see cref="LibCryptoX25519"/>,
/// <see cref="LibCryptoEcdsa"/>) each probe it once and fall back to the BCL or BouncyCastle without it.
/// </summary>
internal static class LibCrypto
{
    /// <summary>The library name for <c>LibraryImport</c>.</summary>
    public const string Name = "libcrypto.so.3";
}
