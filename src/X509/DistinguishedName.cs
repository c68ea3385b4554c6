using System.Text;

namespace TlsEngine.X509;

/// <summary>
/// An X.501 Name (RFC 5280 §4.1.2.4): an ordered sequence of relative distinguished names. Keeps the raw DER for
/// exact comparison and a normalised form for the RFC 5280 §7.1 comparison used when chaining. Immutable; the whole
/// name is checked when it is read, but its attributes are decoded only when first needed (chaining compares most
/// names byte for byte).
/// </summary>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private readonly ReadOnlyMemory<byte> _raw;
    private NameAttribute[][]? _rdns;
    private ComparisonKeys? _keys;
    private string? _text;

    private DistinguishedName(ReadOnlyMemory<byte> raw) => _raw = raw;

    // The attributes, decoded on first use from the name's bytes (checked when the name was read, so this cannot fail).
    private NameAttribute[][] Rdns => _rdns ??= Walk(_raw, new DerReader(_raw.Span), build: true)!;

    /// <summary>The DER encoding of the whole Name (for a certificate's issuer and subject, a slice of the certificate's bytes).</summary>
    public ReadOnlyMemory<byte> RawData => _raw;

    /// <summary>The relative distinguished names in encoded order (most significant first), each a set of attributes.</summary>
    public IReadOnlyList<IReadOnlyList<NameAttribute>> RelativeNames => Rdns;

    /// <summary>True if the name has no RDNs (an empty SEQUENCE).</summary>
    public bool IsEmpty => _raw.Length == 2; // DER: 0x30 0x00

    /// <summary>The value of the most specific (last) commonName attribute, or null.</summary>
    public string? CommonName => LastValue(Oids.CommonName);

    internal string NormalizedKey => Keys.Normalized;

    // The normalised form is built on first comparison that needs it: most names are only ever compared byte for byte.
    private ComparisonKeys Keys => _keys ??= new ComparisonKeys(Rdns);

    /// <summary>Byte-for-byte equality of the DER encodings.</summary>
    public bool ExactlyEquals(DistinguishedName? other) =>
        other is not null && _raw.Span.SequenceEqual(other._raw.Span);

    /// <summary>
    /// RFC 5280 §7.1 comparison: same number of RDNs, each with the same attribute set; string values compared
    /// after case folding and white-space folding, whatever their string type; other values compared as bytes.
    /// </summary>
    public bool Matches(DistinguishedName? other)
    {
        if (other is null)
            return false;
        if (ExactlyEquals(other))
            return true;
        NameAttribute[][] rdns = Rdns, otherRdns = other.Rdns;
        if (rdns.Length != otherRdns.Length)
            return false;
        // RDNs of one attribute (nearly all) are compared in place; only multi-valued RDNs need the sorted keys.
        bool allSingle = true;
        for (int i = 0; i < rdns.Length; i++)
        {
            NameAttribute[] mine = rdns[i], theirs = otherRdns[i];
            if (mine.Length != theirs.Length)
                return false;
            if (mine.Length == 1 && !AttributeMatches(mine[0], theirs[0]))
                return false;
            allSingle &= mine.Length == 1;
        }
        return allSingle || string.Equals(NormalizedKey, other.NormalizedKey, StringComparison.Ordinal);
    }

    // The §7.1 comparison of one attribute, the same as comparing ComparisonKeys entries.
    private static bool AttributeMatches(NameAttribute a, NameAttribute b)
    {
        if (!a.OidContent.Span.SequenceEqual(b.OidContent.Span))
            return false;
        if (a.Value is null || b.Value is null)
            return a.Value is null && b.Value is null && a.EncodedValue.Span.SequenceEqual(b.EncodedValue.Span);
        return DirectoryString.FoldedEquals(a.Value, b.Value);
    }

    /// <summary>Same as <see cref="Matches"/>.</summary>
    public bool Equals(DistinguishedName? other) => Matches(other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DistinguishedName other && Matches(other);

    /// <inheritdoc/>
    public override int GetHashCode() => string.GetHashCode(NormalizedKey, StringComparison.Ordinal);

    /// <summary>True if this name's RDNs are, in order, the first RDNs of <paramref name="other"/> (§4.2.1.10 directoryName).</summary>
    internal bool IsPrefixOf(DistinguishedName other)
    {
        string[] mine = Keys.Rdns, theirs = other.Keys.Rdns;
        if (mine.Length > theirs.Length)
            return false;
        for (int i = 0; i < mine.Length; i++)
        {
            if (!string.Equals(mine[i], theirs[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }

    /// <summary>Values of every attribute of the given type, in encoded order.</summary>
    internal IEnumerable<NameAttribute> AttributesOfType(byte[] oid)
    {
        foreach (NameAttribute[] rdn in Rdns)
        {
            foreach (NameAttribute a in rdn)
            {
                if (a.OidContent.Span.SequenceEqual(oid))
                    yield return a;
            }
        }
    }

    private string? LastValue(byte[] oid)
    {
        string? result = null;
        foreach (NameAttribute a in AttributesOfType(oid))
            result = a.Value;
        return result;
    }

    /// <summary>The name in RFC 4514 style, most specific RDN first: <c>CN=localhost, O=Example</c>.</summary>
    public override string ToString() => _text ??= Format();

    private string Format()
    {
        var sb = new StringBuilder();
        NameAttribute[][] rdns = Rdns;
        for (int i = rdns.Length - 1; i >= 0; i--)
        {
            if (i != rdns.Length - 1)
                sb.Append(", ");
            for (int j = 0; j < rdns[i].Length; j++)
            {
                if (j > 0)
                    sb.Append('+');
                NameAttribute a = rdns[i][j];
                sb.Append(a.ShortName).Append('=');
                if (a.Value is null)
                    sb.Append('#').Append(Convert.ToHexStringLower(a.EncodedValue.Span)); // RFC 4514 §2.4
                else
                    AppendEscaped(sb, a.Value);
            }
        }
        return sb.ToString();
    }

    // RFC 4514 §2.4: escape , + " \ < > ; anywhere, '#' or space at the start, space at the end, and NUL.
    private static void AppendEscaped(StringBuilder sb, string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool escape = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && (c is '#' or ' '))
                || (i == value.Length - 1 && c == ' ');
            if (c == '\0')
                sb.Append("\\00");
            else if (escape)
                sb.Append('\\').Append(c);
            else
                sb.Append(c);
        }
    }

    /// <summary>Parses a DER Name (the whole SEQUENCE) and checks it ends exactly.</summary>
    public static DistinguishedName Parse(ReadOnlySpan<byte> der)
    {
        var reader = new DerReader(der);
        DistinguishedName name = Read(ref reader, "Name");
        reader.ExpectEnd("Name");
        return name;
    }

    /// <summary>
    /// Reads a Name from <paramref name="reader"/>. When the reader reads from <paramref name="owner"/> (a certificate's
    /// own bytes), the name and its attributes are slices of it; otherwise of a copy of the name.
    /// </summary>
    internal static DistinguishedName Read(ref DerReader reader, string field, byte[]? owner = null)
    {
        ReadOnlySpan<byte> encoded = reader.ReadEncodedValue(field);
        ReadOnlyMemory<byte> raw = owner is null ? encoded.ToArray() : MemorySlice.Within(owner, encoded);
        try
        {
            Walk(raw, reader.Nested(raw.Span, field), build: false);
        }
        catch (X509FormatException e)
        {
            throw e.Under(field);
        }
        return new DistinguishedName(raw);
    }

    // Checks the Name in raw (read by outer) and, when build is set, returns its attributes as slices of raw. Field
    // names relative to the Name (see X509FormatException.Under): none is built unless the input is bad.
    private static NameAttribute[][]? Walk(ReadOnlyMemory<byte> raw, DerReader outer, bool build)
    {
        DerReader seq = outer.ReadSequence(".");
        outer.ExpectEnd(".");
        int count = 0;
        for (DerReader counter = seq; counter.HasData; count++)
        {
            if (count >= 256)
                throw new X509FormatException(".", "more than 256 RDNs");
            counter.ReadEncodedValue(".rdn");
        }
        NameAttribute[][]? rdns = build ? new NameAttribute[count][] : null;
        List<NameAttribute>? multiValued = null;
        for (int i = 0; i < count; i++)
        {
            DerReader set = seq.ReadSet(".rdn");
            if (!set.HasData)
                throw new X509FormatException(".rdn", "RelativeDistinguishedName is empty");
            ReadOnlySpan<byte> previous = set.ReadEncodedValue(".rdn");
            NameAttribute? first = ReadAttribute(raw, set.Nested(previous, "."), build);
            if (!set.HasData)
            {
                // Nearly every RDN holds one attribute: no list for it.
                if (rdns is not null)
                    rdns[i] = [first!];
                continue;
            }
            if (build)
            {
                multiValued ??= new List<NameAttribute>(2);
                multiValued.Clear();
                multiValued.Add(first!);
            }
            int attributes = 1;
            while (set.HasData)
            {
                if (++attributes > 64)
                    throw new X509FormatException(".", "more than 64 attributes in one RDN");
                ReadOnlySpan<byte> atvEncoding = set.ReadEncodedValue(".rdn");
                // X.690 §11.6: the components of a DER SET OF are in ascending order of their encodings.
                if (CompareEncodings(previous, atvEncoding) > 0)
                    throw new X509FormatException(".rdn", "SET OF attributes is not in DER order");
                previous = atvEncoding;
                NameAttribute? next = ReadAttribute(raw, set.Nested(atvEncoding, "."), build);
                multiValued?.Add(next!);
            }
            if (rdns is not null)
                rdns[i] = multiValued!.ToArray();
        }
        return rdns;
    }

    // AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue } (RFC 5280 §4.1.2.4); the object
    // only when build is set.
    private static NameAttribute? ReadAttribute(ReadOnlyMemory<byte> raw, DerReader atvOuter, bool build)
    {
        DerReader atv = atvOuter.ReadSequence(".attribute");
        atvOuter.ExpectEnd(".attribute");
        ReadOnlySpan<byte> oid = atv.ReadOid(".attribute.type");
        ReadOnlySpan<byte> encodedValue = atv.ReadElement(".attribute.value", out byte tag, out ReadOnlySpan<byte> content);
        atv.ExpectEnd(".attribute");
        bool isString = DirectoryString.IsStringTag(tag);
        if (!isString)
            CheckWellFormed(atv.Nested(encodedValue, ".attribute.value"), ".attribute.value");
        if (!build)
        {
            if (isString)
                DirectoryString.Validate(tag, content, ".attribute.value");
            return null;
        }
        string? text = isString ? DirectoryString.Decode(tag, content, ".attribute.value") : null;
        return new NameAttribute(DerReader.OidToString(oid), MemorySlice.Within(raw, oid), tag, MemorySlice.Within(raw, encodedValue),
            MemorySlice.Within(raw, content), text);
    }

    // A value kept opaque (ANY DEFINED BY an attribute type) must still be one well-formed DER element (X.690): no
    // end-of-contents octets, constructed form only for SEQUENCE and SET among universal types, constructed contents
    // made of complete elements, recursively, and valid BOOLEAN, NULL, INTEGER, OID and BIT STRING contents (found by
    // fuzzing: BouncyCastle and .NET reject such names).
    private static void CheckWellFormed(DerReader reader, string field)
    {
        while (reader.HasData)
        {
            reader.ReadElement(field, out byte tag, out ReadOnlySpan<byte> content);
            if ((tag & 0xDF) == 0)
                throw new X509FormatException(field, "end-of-contents octets are not a value (X.690 §8.1.5)");
            // X.680 §8.6: universal 14 is TIME (whose DER form X.690 does not give for X.509 use) and 15 is reserved
            // (found by fuzzing: BouncyCastle and .NET reject both).
            if (tag is 0x0E or 0x0F)
                throw new X509FormatException(field, $"universal tag {tag} is not a type an attribute value can have here");
            if ((tag & 0xE0) == 0x20 && tag is not (DerTag.Sequence or DerTag.Set))
                throw new X509FormatException(field, $"constructed encoding of universal tag 0x{tag:X2} is not DER (X.690 §10.2)");
            if ((tag & 0x20) != 0)
                CheckWellFormed(reader.Nested(content, field), field);
            else if (tag == DerTag.Boolean && (content.Length != 1 || content[0] is not (0x00 or 0xFF)))
                throw new X509FormatException(field, "BOOLEAN is not DER");
            else if (tag == DerTag.Null && content.Length != 0)
                throw new X509FormatException(field, "NULL must have empty contents");
            else if (tag is DerTag.Integer or DerTag.Enumerated)
                DerReader.ValidateInteger(content, field);
            else if (tag == DerTag.ObjectIdentifier)
                DerReader.ValidateOid(content, field);
            else if (tag == DerTag.BitString)
                DerReader.ValidateBitString(content, field, out _);
        }
    }

    private static int CompareEncodings(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        // Shorter encodings are padded with zero octets for the comparison (X.690 §11.6).
        int n = Math.Min(a.Length, b.Length);
        int c = a[..n].SequenceCompareTo(b[..n]);
        if (c != 0)
            return c;
        ReadOnlySpan<byte> longer = a.Length > b.Length ? a[n..] : b[n..];
        foreach (byte x in longer)
        {
            if (x != 0)
                return a.Length > b.Length ? 1 : -1;
        }
        return 0;
    }

    /// <summary>
    /// The RFC 5280 §7.1 comparison form: per RDN, its attributes' (type, value) keys sorted, each string value case-
    /// and space-folded, other values as their hex encoding; the whole name as the length-prefixed RDN keys.
    /// </summary>
    private sealed class ComparisonKeys
    {
        public ComparisonKeys(NameAttribute[][] rdns)
        {
            Rdns = new string[rdns.Length];
            var all = new StringBuilder();
            var keys = new List<string>(1);
            var rdnKey = new StringBuilder();
            for (int i = 0; i < rdns.Length; i++)
            {
                keys.Clear();
                foreach (NameAttribute a in rdns[i])
                {
                    string valueKey = a.Value is null ? "#" + Convert.ToHexString(a.EncodedValue.Span) : "s" + DirectoryString.Normalize(a.Value);
                    keys.Add(a.Oid.Length + ":" + a.Oid + valueKey);
                }
                keys.Sort(StringComparer.Ordinal);
                rdnKey.Clear();
                foreach (string k in keys)
                    rdnKey.Append(k.Length).Append(':').Append(k);
                Rdns[i] = rdnKey.ToString();
                all.Append(Rdns[i].Length).Append(':').Append(Rdns[i]);
            }
            Normalized = all.ToString();
        }

        public string[] Rdns { get; }

        public string Normalized { get; }
    }
}
