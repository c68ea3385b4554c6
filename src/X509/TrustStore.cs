using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace TlsEngine.X509;

/// <summary>
/// A set of trust anchors (RFC 5280 §6.1.1 (d)), indexed by normalised subject name and by subjectKeyIdentifier.
/// Immutable after construction and safe to share between threads. Lookups do not allocate: an issuer name encoded
/// exactly as an anchor's subject is found by its bytes before the RFC 5280 §7.1 normalised form is built.
/// </summary>
public sealed class TrustStore
{
    private readonly Certificate[] _anchors;
    private readonly Dictionary<string, Certificate[]> _bySubject;
    private readonly Dictionary<string, Certificate[]> _bySki;

    // Hex of the subject's DER -> every anchor with that normalised subject, for subjects whose anchors all share one
    // encoding (so that a byte-equal hit is the complete answer of the §7.1 comparison).
    private readonly Dictionary<string, Certificate[]> _byRawSubject;

    // Hex of the subject's DER -> the anchors whose subject has exactly that encoding (for ContainsExactly).
    private readonly Dictionary<string, Certificate[]> _byExactSubject;

    /// <summary>Creates a store holding <paramref name="anchors"/>; exact duplicates are kept once.</summary>
    public TrustStore(IEnumerable<Certificate> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var unique = new List<Certificate>();
        var subjects = new Dictionary<string, List<Certificate>>(StringComparer.Ordinal);
        var skis = new Dictionary<string, List<Certificate>>(StringComparer.Ordinal);
        var exactSubjects = new Dictionary<string, List<Certificate>>(StringComparer.Ordinal);
        foreach (Certificate c in anchors)
        {
            ArgumentNullException.ThrowIfNull(c);
            if (subjects.TryGetValue(c.Subject.NormalizedKey, out List<Certificate>? sameSubject) && Contains(c, sameSubject))
                continue;
            unique.Add(c);
            Add(subjects, c.Subject.NormalizedKey, c);
            Add(exactSubjects, Convert.ToHexString(c.Subject.RawData.Span), c);
            if (c.SubjectKeyIdentifier is { } ski)
                Add(skis, Convert.ToHexString(ski.Span), c);
        }
        _anchors = unique.ToArray();
        _bySubject = Freeze(subjects);
        _bySki = Freeze(skis);
        _byExactSubject = Freeze(exactSubjects);
        _byRawSubject = new Dictionary<string, Certificate[]>(StringComparer.Ordinal);
        foreach (Certificate[] group in _bySubject.Values)
        {
            if (Array.TrueForAll(group, c => c.Subject.ExactlyEquals(group[0].Subject)))
                _byRawSubject[Convert.ToHexString(group[0].Subject.RawData.Span)] = group;
        }
    }

    /// <summary>The anchors, in the order given.</summary>
    public IReadOnlyList<Certificate> Anchors => _anchors;

    /// <summary>Number of anchors.</summary>
    public int Count => _anchors.Length;

    /// <summary>Loads every certificate of a PEM bundle or DER file as an anchor.</summary>
    public static TrustStore LoadFile(string path) => new(CertificateLoader.LoadFile(path));

    /// <summary>Anchors whose subject matches <paramref name="name"/> under RFC 5280 §7.1 comparison.</summary>
    public IReadOnlyList<Certificate> FindBySubject(DistinguishedName name) => SubjectCandidates(name);

    /// <summary>Anchors whose subjectKeyIdentifier equals <paramref name="keyIdentifier"/>.</summary>
    public IReadOnlyList<Certificate> FindByKeyIdentifier(ReadOnlySpan<byte> keyIdentifier) =>
        TryGetByHex(_bySki, keyIdentifier, out Certificate[]? found) ? found : [];

    /// <summary>True if <paramref name="certificate"/> is byte-for-byte one of the anchors.</summary>
    public bool ContainsExactly(Certificate certificate)
    {
        // An identical certificate has an identical subject, so the raw-bytes index is enough: no name normalization
        // for the common answer, "not an anchor".
        if (!TryGetByHex(_byExactSubject, certificate.Subject.RawData.Span, out Certificate[]? candidates))
            return false;
        foreach (Certificate c in candidates)
        {
            if (c.RawData.Span.SequenceEqual(certificate.RawData.Span))
                return true;
        }
        return false;
    }

    internal Certificate[] SubjectCandidates(DistinguishedName name)
    {
        if (TryGetByHex(_byRawSubject, name.RawData.Span, out Certificate[]? found))
            return found;
        return _bySubject.TryGetValue(name.NormalizedKey, out found) ? found : [];
    }

    // Looks a byte string up in a map keyed by its upper-case hex, without allocating the key.
    private static bool TryGetByHex(Dictionary<string, Certificate[]> map, ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Certificate[]? found)
    {
        char[]? rented = null;
        // Sized to the input: a stack buffer is zeroed whole, and most keys (identifiers, names) are short.
        Span<char> hex = bytes.Length <= 256 ? stackalloc char[bytes.Length * 2] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length * 2));
        Convert.TryToHexString(bytes, hex, out int written);
        bool hit = map.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hex[..written], out found);
        if (rented is not null)
            ArrayPool<char>.Shared.Return(rented);
        return hit;
    }

    private static bool Contains(Certificate c, List<Certificate> list)
    {
        foreach (Certificate x in list)
        {
            if (x.RawData.Span.SequenceEqual(c.RawData.Span))
                return true;
        }
        return false;
    }

    private static void Add(Dictionary<string, List<Certificate>> map, string key, Certificate c)
    {
        if (!map.TryGetValue(key, out List<Certificate>? list))
            map[key] = list = [];
        list.Add(c);
    }

    private static Dictionary<string, Certificate[]> Freeze(Dictionary<string, List<Certificate>> map)
    {
        var result = new Dictionary<string, Certificate[]>(map.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<string, List<Certificate>> kv in map)
            result[kv.Key] = kv.Value.ToArray();
        return result;
    }
}
