using System.Buffers.Binary;
using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine;

/// <summary>
/// Keys that protect stateless session tickets (RFC 8446 §4.6.1 allows "a self-encrypted and self-authenticated
/// value"). Keys rotate every <see cref="RotationInterval"/>; a ticket stays decryptable for one more interval, so
/// rotation never breaks a ticket younger than the interval. Tickets are AES-256-GCM with a 16-byte key name as
/// associated data. Thread-safe; share one instance between all connections of a server.
/// </summary>
/// <remarks>
/// <see cref="CreateRandom"/> keys live only in this process. <see cref="FromSecret"/> derives each period's key
/// from a shared secret with HKDF, so a fleet of servers with the same secret accept each other's tickets.
/// </remarks>
public sealed class SessionTicketKeys : IDisposable
{
    private const int KeyNameLength = 16;
    private readonly byte[]? _secret;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<long, TicketKey> _keys = [];
    private bool _disposed;

    private SessionTicketKeys(byte[]? secret, TimeSpan rotationInterval, TimeProvider? time)
    {
        if (rotationInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(rotationInterval));
        _secret = secret;
        RotationInterval = rotationInterval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long one key issues tickets before the next takes over.</summary>
    public TimeSpan RotationInterval { get; }

    /// <summary>Random keys held in memory (the default for a single server).</summary>
    public static SessionTicketKeys CreateRandom(TimeSpan? rotationInterval = null, TimeProvider? time = null) =>
        new(null, rotationInterval ?? TimeSpan.FromHours(12), time);

    /// <summary>Keys derived from a shared secret of at least 32 bytes, identical on every server given the same secret.</summary>
    public static SessionTicketKeys FromSecret(ReadOnlySpan<byte> secret, TimeSpan? rotationInterval = null, TimeProvider? time = null)
    {
        if (secret.Length < 32) throw new ArgumentException("the ticket key secret must be at least 32 bytes", nameof(secret));
        return new(secret.ToArray(), rotationInterval ?? TimeSpan.FromHours(12), time);
    }

    private long Period(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / (long)RotationInterval.TotalMilliseconds;

    /// <summary>
    /// Encrypts a ticket's plaintext under the current period's key: key_name || nonce || ciphertext || tag; null once
    /// the keys are disposed (no ticket is issued then).
    /// </summary>
    internal byte[]? Seal(ReadOnlySpan<byte> plaintext)
    {
        // A key cleared between the lookup and its use (rotation past it, or Dispose) is never used: look again.
        while (KeyFor(Period(_time.GetUtcNow())) is { } key)
        {
            using var gcm = key.Rent();
            if (gcm.Aead is not { } aead) continue;
            var ticket = new byte[KeyNameLength + 12 + plaintext.Length + 16];
            key.Name.CopyTo(ticket, 0);
            var nonce = ticket.AsSpan(KeyNameLength, 12);
            SystemRandom.Fill(nonce);
            aead.Seal(nonce, plaintext, ticket.AsSpan(KeyNameLength + 12, plaintext.Length), ticket.AsSpan(ticket.Length - 16), key.Name);
            return ticket;
        }
        return null;
    }

    /// <summary>Decrypts a ticket sealed by this or the previous period's key; null for any other value, and once disposed.</summary>
    internal byte[]? Open(ReadOnlySpan<byte> ticket)
    {
        if (ticket.Length < KeyNameLength + 12 + 16) return null;
        long now = Period(_time.GetUtcNow());
        var name = ticket[..KeyNameLength];
        foreach (long period in (ReadOnlySpan<long>)[now, now - 1])
        {
            if (KeyFor(period) is not { } key) return null;
            if (!name.SequenceEqual(key.Name)) continue;
            using var gcm = key.Rent();
            if (gcm.Aead is not { } aead) return null;
            var plaintext = new byte[ticket.Length - KeyNameLength - 12 - 16];
            return aead.Open(ticket.Slice(KeyNameLength, 12), ticket.Slice(KeyNameLength + 12, plaintext.Length), ticket[^16..], plaintext, name) ? plaintext : null;
        }
        return null;
    }

    /// <summary>The key of <paramref name="period"/>, made on first use; null once disposed.</summary>
    private TicketKey? KeyFor(long period)
    {
        lock (_gate)
        {
            if (_disposed) return null;
            if (_keys.TryGetValue(period, out var key)) return key;
            key = _secret is null ? TicketKey.Random() : TicketKey.Derive(_secret, period);
            _keys[period] = key;
            // Keep only the periods that can still open tickets.
            foreach (var old in _keys.Keys.Where(p => p < period - 1).ToList())
            {
                _keys[old].Clear();
                _keys.Remove(old);
            }
            return key;
        }
    }

    /// <summary>Clears every key; afterwards no ticket is sealed or opened.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var k in _keys.Values) k.Clear();
            _keys.Clear();
            if (_secret is not null) CryptographicOperations.ZeroMemory(_secret);
        }
    }

    /// <summary>
    /// One period's key and its AES-256-GCM context, keyed once rather than on every seal and open. An
    /// <see cref="Aead"/> is not thread-safe: the context serves one caller at a time, and a caller that finds it busy
    /// works on a temporary one.
    /// </summary>
    private sealed class TicketKey(byte[] name, byte[] key)
    {
        private readonly Lock _aeadGate = new();
        private Aead? _aead = Aead.CreateAesGcm(key);
        private bool _cleared;

        public byte[] Name { get; } = name;
        public byte[] Key { get; } = key;

        public static TicketKey Random() => new(RandomNumberGenerator.GetBytes(KeyNameLength), RandomNumberGenerator.GetBytes(32));

        public static TicketKey Derive(byte[] secret, long period)
        {
            Span<byte> info = stackalloc byte[8 + 24];
            BinaryPrimitives.WriteInt64BigEndian(info, period);
            "tlsengine ticket key v1"u8.CopyTo(info[8..]);
            var okm = new byte[KeyNameLength + 32];
            Hkdf.Expand(HashAlgorithmName.SHA256, HmacPrk(secret), okm, info[..(8 + 23)]);
            return new(okm[..KeyNameLength], okm[KeyNameLength..]);
        }

        private static byte[] HmacPrk(byte[] secret)
        {
            var prk = new byte[32];
            Hkdf.Extract(HashAlgorithmName.SHA256, secret, "tlsengine session tickets"u8, prk);
            return prk;
        }

        /// <summary>
        /// The shared context if no other caller holds it, else a temporary one; a lease without a context once the key
        /// is cleared. Dispose the lease after use.
        /// </summary>
        public AeadLease Rent()
        {
            if (_aeadGate.TryEnter())
            {
                if (_aead is { } shared) return new AeadLease(shared, _aeadGate);
                _aeadGate.Exit();
                return default;
            }
            // The context is busy. Clear marks the key before zeroing it, so a key read after this check is still whole
            // unless Clear runs in between; such a context then opens nothing and seals tickets nobody accepts.
            return Volatile.Read(ref _cleared) ? default : new AeadLease(Aead.CreateAesGcm(Key), null);
        }

        public void Clear()
        {
            Volatile.Write(ref _cleared, true);
            // Waits for a caller still sealing or opening with the context.
            lock (_aeadGate)
            {
                _aead?.Dispose();
                _aead = null;
            }
            CryptographicOperations.ZeroMemory(Key);
        }
    }

    /// <summary>A key's context held by one caller (released on dispose), a temporary context (disposed), or none (the key was cleared).</summary>
    private readonly ref struct AeadLease(Aead aead, Lock? held)
    {
        public Aead? Aead { get; } = aead;

        public void Dispose()
        {
            if (held is not null) held.Exit();
            else Aead?.Dispose();
        }
    }
}
