using System.Collections.Concurrent;
using TlsEngine.Crypto;

namespace TlsEngine.X509;

/// <summary>
/// Imported public keys by the exact bytes of their SubjectPublicKeyInfo, shared by every <see cref="Certificate"/>
/// object in the process. Importing an EC key validates the point with the crypto backend and costs more than a
/// signature verification; a server sees the same intermediate CA in chain after chain, parsed anew from each peer's
/// Certificate message, and imports its key once. Bounded: when full it starts again empty.
/// </summary>
internal static class PublicKeyCache
{
    public const int Capacity = 256;

    private static readonly ConcurrentDictionary<byte[], PublicKey> Keys = new(SpanComparer.Instance);

    public static bool TryGet(ReadOnlySpan<byte> spki, out PublicKey key) =>
        Keys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(spki, out key!);

    /// <summary>Adds <paramref name="key"/> unless an equal SPKI is cached; returns the key to use.</summary>
    public static PublicKey Add(ReadOnlySpan<byte> spki, PublicKey key)
    {
        if (Keys.Count >= Capacity)
            Keys.Clear();
        ConcurrentDictionary<byte[], PublicKey>.AlternateLookup<ReadOnlySpan<byte>> lookup = Keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        return lookup.TryAdd(spki, key) || !lookup.TryGetValue(spki, out PublicKey? existing) ? key : existing;
    }

    /// <summary>Empties the cache (benchmarks measuring key import, tests).</summary>
    public static void Clear() => Keys.Clear();

    public static int Count => Keys.Count;

    private sealed class SpanComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly SpanComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
