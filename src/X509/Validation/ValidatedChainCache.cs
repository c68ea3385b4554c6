namespace TlsEngine.X509;

/// <summary>
/// Remembers successful validations so that a server seeing the same peer chain again does not build and verify it again
/// (no signature is checked on a hit). An entry is keyed by the exact bytes of every presented certificate, in order, and
/// by every input that can change the outcome: the trust store (by identity), the purpose, the expected names, the depth,
/// the policy inputs, the profile switches, the budget and the CRLs (by identity). It is used only while the validation
/// time lies inside the window in which the outcome cannot change (every certificate of the path, the anchor included,
/// is valid; every supplied CRL is current) and for at most <see cref="TimeToLive"/> after it was stored. Failures are
/// not cached. Bounded to <see cref="Capacity"/> entries, least recently used first out. Thread-safe.
/// </summary>
public sealed class ValidatedChainCache
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 1024;

    private readonly object _lock = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _map;
    private readonly LinkedList<Entry> _lru = new();
    private readonly TimeProvider _clock;
    private long _hits;
    private long _misses;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">Maximum number of entries (default 1024).</param>
    /// <param name="timeToLive">Longest time an entry is used after it was stored (default 10 minutes).</param>
    /// <param name="clock">Measures <paramref name="timeToLive"/> (default <see cref="TimeProvider.System"/>).</param>
    public ValidatedChainCache(int capacity = DefaultCapacity, TimeSpan? timeToLive = null, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        TimeToLive = timeToLive ?? TimeSpan.FromMinutes(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TimeToLive, TimeSpan.Zero);
        Capacity = capacity;
        _clock = clock ?? TimeProvider.System;
        _map = new Dictionary<Key, LinkedListNode<Entry>>(Math.Min(capacity, 4096));
    }

    /// <summary>Maximum number of entries.</summary>
    public int Capacity { get; }

    /// <summary>Longest time an entry is used after it was stored.</summary>
    public TimeSpan TimeToLive { get; }

    /// <summary>Current number of entries.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _map.Count;
        }
    }

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that found no usable entry.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _map.Clear();
            _lru.Clear();
        }
    }

    /// <summary>The cached path for these inputs at <paramref name="time"/>, as indexes into the presented list (-1 = anchor).</summary>
    internal bool TryGet(Key key, DateTimeOffset time, out Entry entry)
    {
        long now = _clock.GetTimestamp();
        lock (_lock)
        {
            if (_map.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                Entry e = node.Value;
                if (_clock.GetElapsedTime(e.StoredAt, now) > TimeToLive)
                {
                    _lru.Remove(node);
                    _map.Remove(key);
                }
                else if (time >= e.ValidFrom && time <= e.ValidUntil)
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    entry = e;
                    Interlocked.Increment(ref _hits);
                    return true;
                }
            }
        }
        Interlocked.Increment(ref _misses);
        entry = default;
        return false;
    }

    internal void Add(Key key, int[] pathIndexes, Certificate[] chain, DateTimeOffset validFrom, DateTimeOffset validUntil)
    {
        var entry = new Entry(pathIndexes, chain, validFrom, validUntil, _clock.GetTimestamp());
        lock (_lock)
        {
            if (_map.TryGetValue(key, out LinkedListNode<Entry>? existing))
            {
                existing.Value = entry with { Key = key };
                _lru.Remove(existing);
                _lru.AddFirst(existing);
                return;
            }
            if (_map.Count >= Capacity && _lru.Last is { } oldest)
            {
                _map.Remove(oldest.Value.Key!);
                _lru.RemoveLast();
            }
            var node = new LinkedListNode<Entry>(entry with { Key = key });
            _lru.AddFirst(node);
            _map[key] = node;
        }
    }

    /// <summary>
    /// A cached outcome: the path as indexes into the presented list, and the validated certificates themselves (so a
    /// lookup by encoded bytes needs no parsing); <see cref="Chain"/>'s last element is the anchor.
    /// </summary>
    internal readonly record struct Entry(int[] PathIndexes, Certificate[] Chain, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, long StoredAt)
    {
        public Key? Key { get; init; }

        public Certificate Anchor => Chain[^1];
    }

    /// <summary>The exact inputs of one validation, time excepted.</summary>
    internal sealed class Key : IEquatable<Key>
    {
        private readonly ReadOnlyMemory<byte>[] _certificates;
        private readonly TrustStore _store;
        private readonly ValidationOptions _options;
        private readonly int _hash;

        public Key(IReadOnlyList<Certificate> presented, TrustStore store, ValidationOptions options)
            : this(Encodings(presented), store, options)
        {
        }

        public Key(ReadOnlyMemory<byte>[] encoded, TrustStore store, ValidationOptions options)
        {
            _certificates = encoded;
            _store = store;
            _options = options;
            var hash = new HashCode();
            hash.Add(store);
            for (int i = 0; i < encoded.Length; i++)
            {
                ReadOnlyMemory<byte> raw = encoded[i];
                // The signature at the end of each certificate spreads the hash well; equality compares every byte.
                hash.Add(raw.Length);
                hash.AddBytes(raw.Span[Math.Max(0, raw.Length - 32)..]);
            }
            hash.Add(options.Purpose);
            hash.Add(options.DnsName);
            hash.Add(options.MaxDepth);
            _hash = hash.ToHashCode();
        }

        private static ReadOnlyMemory<byte>[] Encodings(IReadOnlyList<Certificate> presented)
        {
            var encoded = new ReadOnlyMemory<byte>[presented.Count];
            for (int i = 0; i < encoded.Length; i++) encoded[i] = presented[i].RawData;
            return encoded;
        }

        public bool Equals(Key? other)
        {
            if (other is null || other._hash != _hash || !ReferenceEquals(other._store, _store)
                || other._certificates.Length != _certificates.Length || !SamePolicyInputs(_options, other._options))
                return false;
            for (int i = 0; i < _certificates.Length; i++)
            {
                if (!_certificates[i].Span.SequenceEqual(other._certificates[i].Span))
                    return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as Key);

        public override int GetHashCode() => _hash;

        // Every option except Time. Collections compare by content (policy OIDs) or identity (CRLs, budget).
        private static bool SamePolicyInputs(ValidationOptions a, ValidationOptions b) =>
            a.Purpose == b.Purpose
            && string.Equals(a.DnsName, b.DnsName, StringComparison.Ordinal)
            && Equals(a.IpAddress, b.IpAddress)
            && a.MaxDepth == b.MaxDepth
            && a.InitialPolicyMappingInhibit == b.InitialPolicyMappingInhibit
            && a.InitialExplicitPolicy == b.InitialExplicitPolicy
            && a.InitialAnyPolicyInhibit == b.InitialAnyPolicyInhibit
            && a.StrictProfile == b.StrictProfile
            && a.RequireCommonNameInSubjectAltName == b.RequireCommonNameInSubjectAltName
            && a.RequireRevocationStatus == b.RequireRevocationStatus
            && SameBudget(a.Budget, b.Budget)
            && SamePolicySet(a.InitialPolicySet, b.InitialPolicySet)
            && SameCrls(a.Crls, b.Crls);

        private static bool SameBudget(ValidationBudget a, ValidationBudget b) =>
            ReferenceEquals(a, b) || (a.MaxSignatureChecks == b.MaxSignatureChecks && a.MaxBuildCalls == b.MaxBuildCalls
                && a.MaxNameConstraintComparisons == b.MaxNameConstraintComparisons && a.MaxPolicyTreeNodes == b.MaxPolicyTreeNodes);

        private static bool SamePolicySet(IReadOnlyCollection<string>? a, IReadOnlyCollection<string>? b)
        {
            if (ReferenceEquals(a, b))
                return true;
            if (a is null || b is null || a.Count != b.Count)
                return false;
            var set = new HashSet<string>(a, StringComparer.Ordinal);
            return set.SetEquals(b);
        }

        private static bool SameCrls(IReadOnlyList<CertificateRevocationList> a, IReadOnlyList<CertificateRevocationList> b)
        {
            if (ReferenceEquals(a, b))
                return true;
            if (a.Count != b.Count)
                return false;
            for (int i = 0; i < a.Count; i++)
            {
                if (!ReferenceEquals(a[i], b[i]))
                    return false;
            }
            return true;
        }
    }

    /// <summary>The window in which the outcome of a successful validation cannot change with the time.</summary>
    internal static (DateTimeOffset From, DateTimeOffset Until) Window(IReadOnlyList<Certificate> chain, ValidationOptions options)
    {
        DateTimeOffset from = DateTimeOffset.MinValue, until = DateTimeOffset.MaxValue;
        foreach (Certificate c in chain)
        {
            if (c.NotBefore > from)
                from = c.NotBefore;
            if (c.NotAfter < until)
                until = c.NotAfter;
        }
        foreach (CertificateRevocationList crl in options.Crls)
        {
            if (!IssuesAny(crl, chain))
                continue;
            if (crl.ThisUpdate > from)
                from = crl.ThisUpdate;
            if (crl.NextUpdate is { } next && next < until)
                until = next;
        }
        // Validity is compared at one-second granularity (CertificateChecks.Validity): the last valid instant is the
        // notAfter second itself, up to .999.
        return (from, until == DateTimeOffset.MaxValue ? until : until.AddTicks(TimeSpan.TicksPerSecond - 1));
    }

    private static bool IssuesAny(CertificateRevocationList crl, IReadOnlyList<Certificate> chain)
    {
        foreach (Certificate c in chain)
        {
            if (crl.Issuer.Matches(c.Issuer))
                return true;
        }
        return false;
    }
}
