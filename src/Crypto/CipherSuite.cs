using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>TLS 1.3 cipher suites (RFC 8446 §B.4).</summary>
public enum CipherSuite : ushort
{
    TLS_AES_128_GCM_SHA256 = 0x1301,
    TLS_AES_256_GCM_SHA384 = 0x1302,
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303,
}

/// <summary>The AEAD and hash a TLS 1.3 cipher suite names (RFC 8446 §B.4).</summary>
public static class CipherSuites
{
    /// <summary>Suites this engine implements, in default preference order.</summary>
    public static IReadOnlyList<CipherSuite> Supported { get; } =
        [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    public static bool IsSupported(CipherSuite suite) =>
        suite is CipherSuite.TLS_AES_128_GCM_SHA256 or CipherSuite.TLS_AES_256_GCM_SHA384 or CipherSuite.TLS_CHACHA20_POLY1305_SHA256;

    public static HashAlgorithmName Hash(CipherSuite suite) =>
        suite == CipherSuite.TLS_AES_256_GCM_SHA384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    public static int HashLength(CipherSuite suite) => suite == CipherSuite.TLS_AES_256_GCM_SHA384 ? 48 : 32;

    /// <summary>AEAD key length in bytes.</summary>
    public static int KeyLength(CipherSuite suite) => suite == CipherSuite.TLS_AES_128_GCM_SHA256 ? 16 : 32;

    /// <summary>Per-record nonce length; all TLS 1.3 AEADs use 12 (RFC 8446 §5.3).</summary>
    public const int IvLength = 12;

    /// <summary>Authentication tag length of every TLS 1.3 AEAD.</summary>
    public const int TagLength = 16;

    /// <summary>
    /// Number of records that may be protected under one key before it must be updated
    /// (RFC 8446 §5.5: 2^24.5 full-size records for AES-GCM; ChaCha20-Poly1305 has no practical limit,
    /// so the engine uses 2^60 well below the 2^64 sequence number wrap).
    /// </summary>
    public static ulong RecordLimit(CipherSuite suite) =>
        suite == CipherSuite.TLS_CHACHA20_POLY1305_SHA256 ? 1UL << 60 : 23_726_566UL; // floor(2^24.5)

    /// <summary>The name OpenSSL uses, which is also the IANA name.</summary>
    public static string Name(CipherSuite suite) => suite.ToString();

    public static bool TryParse(string name, out CipherSuite suite)
    {
        foreach (var s in Supported)
        {
            if (string.Equals(s.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                suite = s;
                return true;
            }
        }
        suite = default;
        return false;
    }
}
