using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// One SHA-256/384/512 computation in progress (FIPS 180-4): the transcript hash (RFC 8446 §4.4.1), HMAC's inner and
/// outer hashes (RFC 2104) and one-shot digests. A mutable struct: keep it in a field or a local and call it in place;
/// never copy it (use <see cref="PeekHash"/> to read a digest mid-way). On libcrypto (<see cref="LibCryptoSha2"/>) the
/// state lives inside the struct and nothing is allocated; otherwise an <see cref="IncrementalHash"/> carries it.
/// <see cref="Dispose"/> clears the state (an HMAC's inner state is derived from its key).
/// </summary>
internal struct Sha2Context : IDisposable
{
    private State _state;
    private IncrementalHash? _fallback;
    private byte _kind;

    [ThreadStatic] private static bool t_useBclForTests;
    private static bool s_bclSwitchUsed;

    /// <summary>
    /// Tests set this on their thread to run the <see cref="IncrementalHash"/> path on a machine that has libcrypto.
    /// Until a test first sets it, <see cref="Start"/> does not read the thread-static.
    /// </summary>
    internal static bool UseBclForTests
    {
        get => t_useBclForTests;
        set
        {
            s_bclSwitchUsed = true;
            t_useBclForTests = value;
        }
    }

    [InlineArray(LibCryptoSha2.ContextSize / sizeof(ulong))]
    private struct State
    {
        private ulong _element;
    }

    /// <summary>Digest length of the started hash.</summary>
    public readonly int Length => _kind switch { 1 => 32, 2 => 48, 3 => 64, _ => 0 };

    /// <summary>Starts (or restarts) the computation of <paramref name="hash"/>: SHA-256, SHA-384 or SHA-512.</summary>
    public unsafe void Start(HashAlgorithmName hash)
    {
        byte kind = hash == HashAlgorithmName.SHA256 ? (byte)1 : hash == HashAlgorithmName.SHA384 ? (byte)2
            : hash == HashAlgorithmName.SHA512 ? (byte)3 : throw new CryptographicException($"{hash.Name} is not a supported SHA-2 hash");
        if (!LibCryptoSha2.IsAvailable || (s_bclSwitchUsed && t_useBclForTests))
        {
            if (_fallback is null || _fallback.AlgorithmName != hash)
            {
                _fallback?.Dispose();
                _fallback = IncrementalHash.CreateHash(hash);
            }
            else
            {
                _fallback.GetHashAndReset(stackalloc byte[64]);
            }
            _kind = kind;
            return;
        }
        _kind = kind;
        fixed (State* state = &_state) LibCryptoSha2.Init(kind, (byte*)state);
    }

    public unsafe void Append(ReadOnlySpan<byte> data)
    {
        if (_kind == 0) throw new InvalidOperationException("the hash was not started");
        if (_fallback is not null)
        {
            _fallback.AppendData(data);
            return;
        }
        fixed (State* state = &_state) LibCryptoSha2.Update(_kind, (byte*)state, data);
    }

    /// <summary>Writes the digest of everything appended and leaves the context to be started again; returns the digest length.</summary>
    public unsafe int Finish(Span<byte> digest)
    {
        int length = CheckDestination(digest);
        if (_fallback is not null)
        {
            _fallback.GetHashAndReset(digest);
        }
        else
        {
            fixed (State* state = &_state)
            fixed (byte* d = digest)
                LibCryptoSha2.Final(_kind, (byte*)state, d);
        }
        _kind = 0;
        return length;
    }

    /// <summary>Writes the digest of what was appended so far, leaving this context as it was.</summary>
    public readonly unsafe int PeekHash(Span<byte> digest)
    {
        int length = CheckDestination(digest);
        if (_fallback is not null) return _fallback.GetCurrentHash(digest);
        State copy = _state;
        try
        {
            fixed (byte* d = digest) LibCryptoSha2.Final(_kind, (byte*)&copy, d);
        }
        finally
        {
            ((Span<ulong>)copy).Clear();
        }
        return length;
    }

    /// <summary>
    /// A second context that continues from where this one is, independent of it from now on (the state is copied;
    /// on the BCL path, the <see cref="IncrementalHash"/> is cloned). Dispose it when done.
    /// </summary>
    public readonly Sha2Context Fork()
    {
        Sha2Context copy = this;
        if (_fallback is not null) copy._fallback = _fallback.Clone();
        return copy;
    }

    /// <summary>One-shot digest of <paramref name="data"/>; returns its length.</summary>
    public static int HashData(HashAlgorithmName hash, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        var context = new Sha2Context();
        try
        {
            context.Start(hash);
            context.Append(data);
            return context.Finish(digest);
        }
        finally
        {
            context.Dispose();
        }
    }

    private readonly int CheckDestination(Span<byte> digest)
    {
        int length = Length;
        if (length == 0) throw new InvalidOperationException("the hash was not started");
        if (digest.Length < length) throw new ArgumentException("the digest buffer is shorter than the hash", nameof(digest));
        return length;
    }

    public void Dispose()
    {
        ((Span<ulong>)_state).Clear();
        _fallback?.Dispose();
        _fallback = null;
        _kind = 0;
    }
}
