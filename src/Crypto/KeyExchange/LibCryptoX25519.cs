using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// X25519 (RFC 7748) through the platform's OpenSSL libcrypto, which the BCL already loads on Linux: about three
/// times faster than the managed implementation. Probed once against the RFC 7748 §6.1 vector; when libcrypto is
/// missing or misbehaves, <see cref="IsAvailable"/> is false and the BouncyCastle implementation is used.
/// </summary>
/// <remarks>
/// Only the shared secret runs libcrypto's assembly Montgomery ladder. The public key, X25519(k, 9), is computed by
/// <see cref="X25519FixedBase"/> (a fixed-base multiplication, cheaper than the ladder; importing a bare private key
/// would instead make libcrypto compute it with its slower portable Edwards code), and the private key is imported
/// with it into a derivation context that then serves the shared secret.
/// </remarks>
internal static unsafe partial class LibCryptoX25519
{
    private const string Library = LibCrypto.Name;
    private const int SelectKeyPair = 0x87; // EVP_PKEY_KEYPAIR
    private const int SelectPublicKey = 0x86; // EVP_PKEY_PUBLIC_KEY
    private const uint ParamOctetString = 5; // OSSL_PARAM_OCTET_STRING

    private static readonly Lazy<bool> Available = new(Probe);

    // One import context and one peer key per thread, freed by their finalisers when the thread has ended.
    [ThreadStatic] private static PrivateKeyHandle? t_importer;
    [ThreadStatic] private static PeerKeyHandle? t_peer;

    public static bool IsAvailable => Available.Value;

    /// <summary>OSSL_PARAM (openssl/core.h): key, data_type, data, data_size, return_size.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OsslParam
    {
        public byte* Key;
        public uint DataType;
        public void* Data;
        public nuint DataSize;
        public nuint ReturnSize;
    }

    /// <summary>
    /// Imports a 32-byte private key and writes its public key; the returned handle (a derivation context holding the
    /// key) serves <see cref="Agree"/>.
    /// </summary>
    public static PrivateKeyHandle Import(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        if (privateKey.Length != 32 || publicKey.Length < 32) throw new ArgumentException("X25519 keys are 32 bytes");
        X25519FixedBase.PublicKey(privateKey, publicKey);
        nint key = FromData(privateKey, publicKey[..32]);
        if (key == 0) throw new CryptographicException("libcrypto refused the X25519 private key");
        try
        {
            // The context takes its own reference to the key.
            var handle = new PrivateKeyHandle(EVP_PKEY_CTX_new(key, 0));
            if (handle.IsInvalid || EVP_PKEY_derive_init(handle.DangerousGetHandle()) != 1)
            {
                handle.Dispose();
                ERR_clear_error();
                throw new CryptographicException("libcrypto could not set up an X25519 derivation");
            }
            return handle;
        }
        finally
        {
            EVP_PKEY_free(key);
        }
    }

    /// <summary>X25519(private, peer) into <paramref name="shared"/>; false when the result is all zeros or the point is refused.</summary>
    public static bool Agree(PrivateKeyHandle key, ReadOnlySpan<byte> peerPublic, Span<byte> shared)
    {
        if (peerPublic.Length != 32 || shared.Length < 32) return false;
        nint peer = PeerKey(peerPublic);
        return peer != 0 && Derive(key, peer, shared);
    }

    /// <summary>
    /// This thread's peer EVP_PKEY holding <paramref name="peerPublic"/>, or 0. One key per thread is made once and its
    /// public key replaced for each derivation: a new EVP_PKEY costs about 2 µs (libcrypto looks its type up by name
    /// each time), replacing the bytes a fraction of that. A derivation context keeps a reference to the last peer it
    /// was given, but reads it only in the derivation that follows on the same thread, so the change cannot reach it.
    /// </summary>
    private static nint PeerKey(ReadOnlySpan<byte> peerPublic)
    {
        if (t_peer is not { } peer)
        {
            // A key libcrypto failed to make is not kept: the next derivation tries again.
            nint created = FromData(default, peerPublic);
            if (created == 0) return 0;
            t_peer = new PeerKeyHandle(created);
            return created;
        }
        fixed (byte* bytes = peerPublic)
        {
            if (EVP_PKEY_set1_encoded_public_key(peer.DangerousGetHandle(), bytes, 32) != 1)
            {
                ERR_clear_error();
                return 0;
            }
        }
        return peer.DangerousGetHandle();
    }

    /// <summary>
    /// An X25519 EVP_PKEY from raw bytes (a key pair when <paramref name="privateKey"/> is given, else a public key), or 0.
    /// Goes through this thread's import context: creating one looks the algorithm up in the provider store, which
    /// costs as much again as the import (<c>EVP_PKEY_new_raw_public_key</c> does that on every call).
    /// </summary>
    private static nint FromData(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        // A context libcrypto failed to make is not kept: the next import tries again.
        var importer = t_importer ??= NewImportContext();
        if (importer is null) return 0;
        nint key = 0;
        ReadOnlySpan<byte> priv = "priv\0"u8, pub = "pub\0"u8;
        fixed (byte* privName = priv)
        fixed (byte* pubName = pub)
        fixed (byte* privData = privateKey)
        fixed (byte* pubData = publicKey)
        {
            var parameters = stackalloc OsslParam[3];
            int n = 0;
            if (!privateKey.IsEmpty)
                parameters[n++] = new OsslParam { Key = privName, DataType = ParamOctetString, Data = privData, DataSize = (nuint)privateKey.Length };
            parameters[n++] = new OsslParam { Key = pubName, DataType = ParamOctetString, Data = pubData, DataSize = (nuint)publicKey.Length };
            parameters[n] = default;
            if (EVP_PKEY_fromdata(importer.DangerousGetHandle(), &key, privateKey.IsEmpty ? SelectPublicKey : SelectKeyPair, parameters) != 1)
            {
                ERR_clear_error();
                return 0;
            }
        }
        return key;
    }

    private static bool Derive(PrivateKeyHandle key, nint peer, Span<byte> output)
    {
        bool added = false;
        try
        {
            key.DangerousAddRef(ref added);
            nint ctx = key.DangerousGetHandle();
            nuint length = 32;
            // No peer "validation": for X25519 libcrypto would only check that a public key is present, at the price
            // of a context set up per call. Any 32 bytes are a valid input (RFC 7748 §5); OpenSSL 3 fails the
            // derivation when the output is all zeros (a small-order point, RFC 8446 §7.4.2), and so do we below.
            if (EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1
                || EVP_PKEY_derive(ctx, ref MemoryMarshal.GetReference(output), ref length) != 1 || length != 32)
            {
                ERR_clear_error();
                return false;
            }
            return output[..32].IndexOfAnyExcept((byte)0) >= 0;
        }
        finally
        {
            if (added) key.DangerousRelease();
        }
    }

    /// <summary>
    /// An EVP_PKEY_CTX: a share's derivation context holding its private key (freeing it frees, and so clears, the key),
    /// or a thread's import context.
    /// </summary>
    internal sealed class PrivateKeyHandle : SafeHandle
    {
        public PrivateKeyHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            EVP_PKEY_CTX_free(handle);
            return true;
        }
    }

    /// <summary>A thread's peer EVP_PKEY (see <see cref="PeerKey"/>).</summary>
    private sealed class PeerKeyHandle(nint handle) : SafeHandle(handle, ownsHandle: true)
    {
        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            EVP_PKEY_free(handle);
            return true;
        }
    }

    /// <summary>An EVP_PKEY_CTX for X25519 set up for <c>EVP_PKEY_fromdata</c>, or null if libcrypto refused it.</summary>
    private static PrivateKeyHandle? NewImportContext()
    {
        ReadOnlySpan<byte> x25519 = "X25519\0"u8;
        fixed (byte* name = x25519)
        {
            var context = new PrivateKeyHandle(EVP_PKEY_CTX_new_from_name(0, name, null));
            if (!context.IsInvalid && EVP_PKEY_fromdata_init(context.DangerousGetHandle()) == 1)
                return context;
            context.Dispose();
            return null;
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // RFC 7748 §6.1: Alice's private key, Bob's public key, and the shared secret.
            var alice = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
            var bob = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
            Span<byte> pub = stackalloc byte[32];
            Span<byte> shared = stackalloc byte[32];
            using var key = Import(alice, pub);
            return Convert.ToHexStringLower(pub) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
                && Agree(key, bob, shared)
                && Convert.ToHexStringLower(shared) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
                && !Agree(key, new byte[32], shared)
                // The context still derives after a refused peer.
                && Agree(key, bob, shared)
                && Convert.ToHexStringLower(shared) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CryptographicException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(Library)]
    private static partial nint EVP_PKEY_CTX_new_from_name(nint libraryContext, byte* name, byte* properties);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_fromdata_init(nint ctx);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_fromdata(nint ctx, nint* key, int selection, OsslParam* parameters);

    [LibraryImport(Library)]
    private static partial nint EVP_PKEY_CTX_new(nint key, nint engine);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_derive_init(nint ctx);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_derive_set_peer_ex(nint ctx, nint peer, int validatePeer);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_set1_encoded_public_key(nint key, byte* publicKey, nuint length);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_derive(nint ctx, ref byte key, ref nuint length);

    [LibraryImport(Library)]
    private static partial void EVP_PKEY_CTX_free(nint ctx);

    [LibraryImport(Library)]
    private static partial void EVP_PKEY_free(nint key);

    [LibraryImport(Library)]
    private static partial void ERR_clear_error();
}
