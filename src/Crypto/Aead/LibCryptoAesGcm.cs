using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// AES-GCM (NIST SP 800-38D; the AEAD of RFC 8446 §5.2 for TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384) on one
/// libcrypto EVP_CIPHER_CTX per key: the key schedule is set once and each record only sets its nonce, with a cipher
/// fetched once per process. The BCL's AesGcm runs the same code but clears OpenSSL's error queue and re-initialises
/// the context around every call: on a handshake-sized record that bookkeeping costs four times the encryption, and
/// creating a key costs eight times as much as here. Probed once against the BCL; when libcrypto is missing or
/// disagrees, <see cref="IsAvailable"/> is false and the BCL is used.
/// </summary>
internal static unsafe partial class LibCryptoAesGcm
{
    private const string Library = LibCrypto.Name;
    private const int CtrlAeadGetTag = 0x10; // EVP_CTRL_AEAD_GET_TAG
    private const int CtrlAeadSetTag = 0x11; // EVP_CTRL_AEAD_SET_TAG
    public const int NonceLength = 12;
    public const int TagLength = 16;

    // The fetched AES-128-GCM and AES-256-GCM implementations, shared (EVP_CIPHER objects are immutable once fetched).
    private static readonly Lazy<(nint Aes128, nint Aes256)?> Ciphers = new(Load);

    public static bool IsAvailable => Ciphers.Value is not null;

    /// <summary>A context keyed with <paramref name="key"/> (16 or 32 bytes).</summary>
    public static Context Create(ReadOnlySpan<byte> key)
    {
        var ciphers = Ciphers.Value ?? throw new InvalidOperationException("libcrypto AES-GCM is not available");
        nint cipher = key.Length switch
        {
            16 => ciphers.Aes128,
            32 => ciphers.Aes256,
            _ => throw new CryptographicException($"AES-GCM keys are 16 or 32 bytes, not {key.Length}"),
        };
        var context = new Context(EVP_CIPHER_CTX_new());
        if (context.IsInvalid) throw new CryptographicException("libcrypto could not allocate a cipher context");
        fixed (byte* k = key)
        {
            if (EVP_CipherInit_ex(context.DangerousGetHandle(), cipher, 0, k, null, 1) != 1)
            {
                context.Dispose();
                throw new CryptographicException("libcrypto refused the AES-GCM key");
            }
        }
        return context;
    }

    /// <summary>
    /// Sets a new key of the context's cipher (same length) on an existing context: the cipher stays, the key schedule
    /// is replaced. On failure the context must not be used again.
    /// </summary>
    public static void Rekey(Context context, ReadOnlySpan<byte> key)
    {
        bool added = false;
        try
        {
            context.DangerousAddRef(ref added);
            fixed (byte* k = key)
            {
                if (EVP_CipherInit_ex(context.DangerousGetHandle(), 0, 0, k, null, 1) != 1)
                {
                    ERR_clear_error();
                    throw new CryptographicException("libcrypto refused the AES-GCM key");
                }
            }
        }
        finally
        {
            if (added) context.DangerousRelease();
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length; the same memory is allowed) and writes the 16-byte tag.</summary>
    public static void Seal(Context context, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        CheckArguments(nonce, plaintext, ciphertext, tag);
        fixed (byte* t = tag)
        {
            if (!Run(context, encrypt: true, nonce, plaintext, ciphertext, t, associatedData))
                throw new CryptographicException("libcrypto AES-GCM encryption failed");
        }
    }

    /// <summary>
    /// Encrypts a plaintext given in two parts, <paramref name="head"/> (elsewhere) followed by the bytes of
    /// <paramref name="ciphertext"/> after <c>head.Length</c> (encrypted in place), into <paramref name="ciphertext"/>,
    /// and writes the tag: one GCM operation over both parts, without copying the head into place first.
    /// </summary>
    public static void SealWithHead(Context context, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> head, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        if (ciphertext.Length < head.Length) throw new ArgumentException("the output must hold the head", nameof(ciphertext));
        CheckArguments(nonce, head, ciphertext[..head.Length], tag);
        fixed (byte* t = tag)
        {
            if (!Run(context, encrypt: true, nonce, head, ciphertext, t, associatedData))
                throw new CryptographicException("libcrypto AES-GCM encryption failed");
        }
    }

    /// <summary>
    /// Decrypts and authenticates; on a wrong tag returns false with <paramref name="plaintext"/> cleared (nothing
    /// unauthenticated is left behind). The ciphertext and plaintext may be the same memory.
    /// </summary>
    public static bool Open(Context context, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        CheckArguments(nonce, ciphertext, plaintext, tag);
        fixed (byte* t = tag)
        {
            // Decrypting, libcrypto only reads the tag.
            if (Run(context, encrypt: false, nonce, ciphertext, plaintext, t, associatedData)) return true;
        }
        CryptographicOperations.ZeroMemory(plaintext[..ciphertext.Length]);
        return false;
    }

    /// <summary>
    /// One AEAD operation on the keyed context: set the nonce, feed the associated data, transform
    /// <paramref name="input"/> into the start of <paramref name="output"/> and then the rest of
    /// <paramref name="output"/> in place (nothing when it is as long as the input), then write the tag (encrypting)
    /// or check it in constant time (decrypting: set before the final step, which fails on a mismatch). False on any
    /// failure.
    /// </summary>
    private static bool Run(Context context, bool encrypt, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output, byte* tag, ReadOnlySpan<byte> associatedData)
    {
        bool added = false;
        try
        {
            context.DangerousAddRef(ref added);
            nint ctx = context.DangerousGetHandle();
            fixed (byte* n = nonce)
            fixed (byte* a = associatedData)
            fixed (byte* i = input)
            fixed (byte* o = output)
            {
                int length;
                bool ok = EVP_CipherInit_ex(ctx, 0, 0, null, n, encrypt ? 1 : 0) == 1
                    && (associatedData.Length == 0 || EVP_CipherUpdate(ctx, null, &length, a, associatedData.Length) == 1)
                    && (input.Length == 0 || EVP_CipherUpdate(ctx, o, &length, i, input.Length) == 1)
                    && (output.Length == input.Length
                        || EVP_CipherUpdate(ctx, o + input.Length, &length, o + input.Length, output.Length - input.Length) == 1)
                    && (encrypt || EVP_CIPHER_CTX_ctrl(ctx, CtrlAeadSetTag, TagLength, tag) == 1)
                    && EVP_CipherFinal_ex(ctx, o + output.Length, &length) == 1
                    && (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, CtrlAeadGetTag, TagLength, tag) == 1);
                if (!ok) ERR_clear_error();
                return ok;
            }
        }
        finally
        {
            if (added) context.DangerousRelease();
        }
    }

    private static void CheckArguments(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, ReadOnlySpan<byte> output, ReadOnlySpan<byte> tag)
    {
        if (nonce.Length != NonceLength) throw new ArgumentException($"the AES-GCM nonce must be {NonceLength} bytes", nameof(nonce));
        if (tag.Length != TagLength) throw new ArgumentException($"the AES-GCM tag must be {TagLength} bytes", nameof(tag));
        if (output.Length != input.Length) throw new ArgumentException("the output must be as long as the input", nameof(output));
        // In place is fine; a partial overlap would read bytes already overwritten.
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException("input and output overlap without being the same memory", nameof(output));
    }

    internal sealed class Context : SafeHandle
    {
        public Context(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == 0;

        // EVP_CIPHER_CTX_free clears the key schedule before freeing it.
        protected override bool ReleaseHandle()
        {
            EVP_CIPHER_CTX_free(handle);
            return true;
        }
    }

    private static (nint, nint)? Load()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            nint aes128 = Fetch("AES-128-GCM"), aes256 = Fetch("AES-256-GCM");
            if (aes128 == 0 || aes256 == 0) return null;
            return SelfTest(aes128, 16) && SelfTest(aes256, 32) ? (aes128, aes256) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CryptographicException or BadImageFormatException)
        {
            return null;
        }
    }

    private static nint Fetch(string name)
    {
        byte* utf8 = stackalloc byte[32];
        int n = System.Text.Encoding.ASCII.GetBytes(name, new Span<byte>(utf8, 31));
        utf8[n] = 0;
        return EVP_CIPHER_fetch(0, utf8, null);
    }

    /// <summary>Seals and opens a multi-block message with associated data, in place and not, against the BCL's AesGcm.</summary>
    private static bool SelfTest(nint cipher, int keyLength)
    {
        var key = new byte[keyLength];
        var nonce = new byte[NonceLength];
        var aad = new byte[13];
        var plaintext = new byte[100];
        for (int i = 0; i < plaintext.Length; i++) plaintext[i] = (byte)(i * 13 + keyLength);
        for (int i = 0; i < key.Length; i++) key[i] = (byte)(i + 1);
        nonce[^1] = 7;
        aad[0] = 23;
        var expected = new byte[plaintext.Length];
        var expectedTag = new byte[TagLength];
        using (var bcl = new AesGcm(key, TagLength)) bcl.Encrypt(nonce, plaintext, expected, expectedTag, aad);

        var context = new Context(EVP_CIPHER_CTX_new());
        using (context)
        {
            fixed (byte* k = key)
                if (context.IsInvalid || EVP_CipherInit_ex(context.DangerousGetHandle(), cipher, 0, k, null, 1) != 1) return false;
            var buffer = (byte[])plaintext.Clone();
            var tag = new byte[TagLength];
            Seal(context, nonce, buffer, buffer, tag, aad);
            if (!buffer.AsSpan().SequenceEqual(expected) || !tag.AsSpan().SequenceEqual(expectedTag)) return false;
            var opened = new byte[plaintext.Length];
            if (!Open(context, nonce, buffer, tag, opened, aad) || !opened.AsSpan().SequenceEqual(plaintext)) return false;
            tag[0] ^= 1;
            return !Open(context, nonce, buffer, tag, opened, aad) && opened.AsSpan().IndexOfAnyExcept((byte)0) < 0;
        }
    }

    [LibraryImport(Library)]
    private static partial nint EVP_CIPHER_fetch(nint libraryContext, byte* algorithm, byte* properties);

    [LibraryImport(Library)]
    private static partial nint EVP_CIPHER_CTX_new();

    [LibraryImport(Library)]
    private static partial void EVP_CIPHER_CTX_free(nint context);

    [LibraryImport(Library)]
    private static partial int EVP_CipherInit_ex(nint context, nint cipher, nint engine, byte* key, byte* iv, int encrypt);

    [LibraryImport(Library)]
    private static partial int EVP_CipherUpdate(nint context, byte* output, int* outputLength, byte* input, int inputLength);

    [LibraryImport(Library)]
    private static partial int EVP_CipherFinal_ex(nint context, byte* output, int* outputLength);

    [LibraryImport(Library)]
    private static partial int EVP_CIPHER_CTX_ctrl(nint context, int type, int argument, void* pointer);

    [LibraryImport(Library)]
    private static partial void ERR_clear_error();
}
