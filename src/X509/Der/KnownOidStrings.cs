namespace TlsEngine.X509;

/// <summary>
/// The dotted-decimal text of the object identifiers certificates, CRLs and OCSP responses carry most often, formatted
/// once and shared: <see cref="DerReader.OidToString"/> returns these instead of formatting the same OIDs for every
/// certificate parsed (a dozen per certificate on the handshake path).
/// </summary>
internal static class KnownOidStrings
{
    // Looked up by shape (length, first and last octet), which leaves one candidate for nearly every OID: a linear scan
    // of the table cost more than the rest of a name's parsing.
    private static readonly Dictionary<int, (byte[] Content, string Text)[]> ByShape = Build(
        // RFC 5280 §4.2.1 / §5.2 / §5.3 extensions (id-ce), AIA and SIA (id-pe), OCSP access methods (id-ad).
        "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.18", "2.5.29.19", "2.5.29.30", "2.5.29.31", "2.5.29.32",
        "2.5.29.33", "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54", "2.5.29.20", "2.5.29.21", "2.5.29.24",
        "2.5.29.27", "2.5.29.28", "2.5.29.29", "2.5.29.46", "2.5.29.32.0", "2.5.29.37.0",
        "1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.11", "1.3.6.1.5.5.7.1.24", "1.3.6.1.5.5.7.48.1", "1.3.6.1.5.5.7.48.2",
        "1.3.6.1.5.5.7.48.1.1", "1.3.6.1.5.5.7.48.1.2", "1.3.6.1.5.5.7.48.1.5", "1.3.6.1.4.1.11129.2.4.2",
        // Extended key usages (RFC 5280 §4.2.1.12) and CA/B policy identifiers.
        "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.8",
        "1.3.6.1.5.5.7.3.9", "2.23.140.1.2.1", "2.23.140.1.2.2", "2.23.140.1.2.3",
        // Signature and public-key algorithms (RFC 5758, RFC 4055, RFC 8017, RFC 5480, RFC 8410) and hashes.
        "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4", "1.2.840.10045.2.1",
        "1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35", "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.5",
        "1.2.840.113549.1.1.8", "1.2.840.113549.1.1.10", "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
        "1.2.840.113549.1.1.13", "1.3.101.112", "1.3.101.113", "1.3.101.110", "1.3.101.111",
        "2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.2", "2.16.840.1.101.3.4.2.3", "1.3.14.3.2.26",
        // Name attribute types (RFC 5280 Appendix A.1, RFC 4519).
        "2.5.4.3", "2.5.4.4", "2.5.4.5", "2.5.4.6", "2.5.4.7", "2.5.4.8", "2.5.4.9", "2.5.4.10", "2.5.4.11",
        "2.5.4.12", "2.5.4.42", "2.5.4.46", "2.5.4.97", "0.9.2342.19200300.100.1.1", "0.9.2342.19200300.100.1.25",
        "1.2.840.113549.1.9.1");

    /// <summary>The shared text of <paramref name="content"/> if it is one of the table's OIDs, otherwise null.</summary>
    public static string? Find(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty || !ByShape.TryGetValue(Shape(content), out var candidates))
            return null;
        foreach ((byte[] known, string text) in candidates)
        {
            if (content.SequenceEqual(known))
                return text;
        }
        return null;
    }

    /// <summary>Every OID in the table, for tests.</summary>
    internal static IEnumerable<string> All => ByShape.Values.SelectMany(c => c.Select(e => e.Text));

    private static int Shape(ReadOnlySpan<byte> content) => (content.Length << 16) | (content[0] << 8) | content[^1];

    private static Dictionary<int, (byte[], string)[]> Build(params string[] dotted) =>
        dotted.Select(d => (Content: Oids.Encode(d), Text: d))
            .GroupBy(e => Shape(e.Content))
            .ToDictionary(g => g.Key, g => g.ToArray());
}
