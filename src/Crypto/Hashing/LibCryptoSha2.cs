using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// SHA-256, SHA-384 and SHA-512 (FIPS 180-4) through libcrypto's low-level digest functions (<c>SHA256_Init</c>,
/// <c>SHA256_Update</c>, <c>SHA256_Final</c> and the SHA-512 family), which hash straight into a caller-owned context
/// with libcrypto's SHA-NI/AVX code and none of the per-call work of the EVP interface the BCL goes through (error-queue
/// clearing, provider and context bookkeeping): a short hash costs a sixth, an HMAC a quarter. The context is plain data
/// without pointers (<c>SHA256_CTX</c> is 112 bytes, <c>SHA512_CTX</c> 216), so copying it forks the computation.
/// Probed once against the BCL; when libcrypto is missing or disagrees, <see cref="IsAvailable"/> is false and
/// <see cref="Sha2Context"/> uses <see cref="IncrementalHash"/>.
/// </summary>
internal static unsafe partial class LibCryptoSha2
{
    private const string Library = LibCrypto.Name;

    /// <summary>Bytes reserved for a context: at least sizeof(SHA512_CTX), the larger of the two.</summary>
    public const int ContextSize = 224;

    // A static readonly bool: once the probe has run, optimised code treats it as a constant.
    private static readonly bool Available = Probe();

    public static bool IsAvailable => Available;

    /// <summary>Starts a context for SHA-256 (<paramref name="kind"/> 1), SHA-384 (2) or SHA-512 (3).</summary>
    public static void Init(int kind, byte* context)
    {
        int ok = kind switch
        {
            1 => SHA256_Init(context),
            2 => SHA384_Init(context),
            _ => SHA512_Init(context),
        };
        if (ok != 1) throw new CryptographicException("libcrypto could not start a SHA-2 context");
    }

    /// <summary>
    /// Inputs up to this many bytes (at most eight SHA-256 blocks, well under a microsecond) are hashed without the
    /// runtime's GC transition around the call (<see cref="SuppressGCTransitionAttribute"/>: the code is short, takes no
    /// lock and never calls back). The key schedule's HMACs make dozens of such calls per handshake, and the transition
    /// was a tenth of an HKDF-Expand; longer inputs (a Certificate message in the transcript) keep it, so that a garbage
    /// collection never waits for them.
    /// </summary>
    internal const int ShortInput = 512;

    public static void Update(int kind, byte* context, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        fixed (byte* p = data)
        {
            nuint length = (nuint)data.Length;
            // SHA384_Update is SHA512_Update (one compression function, RFC 6234 §6.3).
            int ok = data.Length <= ShortInput
                ? kind == 1 ? SHA256_UpdateShort(context, p, length) : SHA512_UpdateShort(context, p, length)
                : kind == 1 ? SHA256_Update(context, p, length) : SHA512_Update(context, p, length);
            if (ok != 1) throw new CryptographicException("libcrypto SHA-2 update failed");
        }
    }

    /// <summary>Writes the digest (which must fit in <paramref name="digest"/>) and leaves the context spent.</summary>
    public static void Final(int kind, byte* context, byte* digest)
    {
        int ok = kind switch
        {
            1 => SHA256_Final(digest, context),
            2 => SHA384_Final(digest, context),
            _ => SHA512_Final(digest, context),
        };
        if (ok != 1) throw new CryptographicException("libcrypto SHA-2 final failed");
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Three blocks and a bit of input, so padding, length encoding and block carry-over are all exercised.
            var input = new byte[200];
            for (int i = 0; i < input.Length; i++) input[i] = (byte)(i * 7 + 1);
            byte* context = stackalloc byte[ContextSize];
            byte* digest = stackalloc byte[64];
            for (int kind = 1; kind <= 3; kind++)
            {
                Init(kind, context);
                Update(kind, context, input.AsSpan(0, 70));
                Update(kind, context, input.AsSpan(70));
                Final(kind, context, digest);
                byte[] expected = kind switch { 1 => SHA256.HashData(input), 2 => SHA384.HashData(input), _ => SHA512.HashData(input) };
                if (!new ReadOnlySpan<byte>(digest, expected.Length).SequenceEqual(expected)) return false;
            }
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CryptographicException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int SHA256_Init(byte* context);

    [LibraryImport(Library)]
    private static partial int SHA256_Update(byte* context, byte* data, nuint length);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int SHA256_Final(byte* digest, byte* context);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int SHA384_Init(byte* context);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int SHA384_Final(byte* digest, byte* context);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int SHA512_Init(byte* context);

    [LibraryImport(Library)]
    private static partial int SHA512_Update(byte* context, byte* data, nuint length);

    // The same two functions for inputs of at most ShortInput bytes (see there).
    [LibraryImport(Library, EntryPoint = "SHA256_Update")]
    [SuppressGCTransition]
    private static partial int SHA256_UpdateShort(byte* context, byte* data, nuint length);

    [LibraryImport(Library, EntryPoint = "SHA512_Update")]
    [SuppressGCTransition]
    private static partial int SHA512_UpdateShort(byte* context, byte* data, nuint length);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int SHA512_Final(byte* digest, byte* context);
}
