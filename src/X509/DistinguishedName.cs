using System.Text;

namespace TlsEngine.X509;

/// <summary>
/// An X.501 Name (RFC 5280 §4.1.2.4): an ordered sequence of relative distinguished names. Keeps the raw DER for
/// exact comparison and a normalised form for the RFC 5280 §7.1 comparison used when chaining. Immutable.
/// </summary>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private readonly byte[] _raw;
    private readonly NameAttribute[][] _rdns;
    private readonly string[] _rdnKeys;
    private readonly string _normalizedKey;
    private string? _text;

    private DistinguishedName(byte[] raw, NameAttribute[][] rdns, string[] rdnKeys)
    {
        _raw = raw;
        _rdns = rdns;
        _rdnKeys = rdnKeys;
        var sb = new StringBuilder();
        foreach (string key in rdnKeys)
            sb.Append(key.Length).Append(':').Append(key);
        _normalizedKey = sb.ToString();
    }

    /// <summary>The DER encoding of the whole Name.</summary>
    public ReadOnlyMemory<byte> RawData => _raw;

    /// <summary>The relative distinguished names in encoded order (most significant first), each a set of attributes.</summary>
    public IReadOnlyList<IReadOnlyList<NameAttribute>> RelativeNames => _rdns;

    /// <summary>True if the name has no RDNs (an empty SEQUENCE).</summary>
    public bool IsEmpty => _rdns.Length == 0;

    /// <summary>The value of the most specific (last) commonName attribute, or null.</summary>
    public string? CommonName => LastValue(Oids.CommonName);

    internal string NormalizedKey => _normalizedKey;

    internal ReadOnlySpan<string> RdnKeys => _rdnKeys;

    /// <summary>Byte-for-byte equality of the DER encodings.</summary>
    public bool ExactlyEquals(DistinguishedName? other) =>
        other is not null && _raw.AsSpan().SequenceEqual(other._raw);

    /// <summary>
    /// RFC 5280 §7.1 comparison: same number of RDNs, each with the same attribute set; string values compared
    /// after case folding and white-space folding, whatever their string type; other values compared as bytes.
    /// </summary>
    public bool Matches(DistinguishedName? other) =>
        other is not null && (ExactlyEquals(other) || string.Equals(_normalizedKey, other._normalizedKey, StringComparison.Ordinal));

    /// <summary>Same as <see cref="Matches"/>.</summary>
    public bool Equals(DistinguishedName? other) => Matches(other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DistinguishedName other && Matches(other);

    /// <inheritdoc/>
    public override int GetHashCode() => string.GetHashCode(_normalizedKey, StringComparison.Ordinal);

    /// <summary>True if this name's RDNs are, in order, the first RDNs of <paramref name="other"/> (§4.2.1.10 directoryName).</summary>
    internal bool IsPrefixOf(DistinguishedName other)
    {
        if (_rdnKeys.Length > other._rdnKeys.Length)
            return false;
        for (int i = 0; i < _rdnKeys.Length; i++)
        {
            if (!string.Equals(_rdnKeys[i], other._rdnKeys[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }

    /// <summary>Values of every attribute of the given type, in encoded order.</summary>
    internal IEnumerable<NameAttribute> AttributesOfType(byte[] oid)
    {
        foreach (NameAttribute[] rdn in _rdns)
        {
            foreach (NameAttribute a in rdn)
            {
                if (a.OidContent.AsSpan().SequenceEqual(oid))
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
        for (int i = _rdns.Length - 1; i >= 0; i--)
        {
            if (i != _rdns.Length - 1)
                sb.Append(", ");
            for (int j = 0; j < _rdns[i].Length; j++)
            {
                if (j > 0)
                    sb.Append('+');
                NameAttribute a = _rdns[i][j];
                sb.Append(a.ShortName).Append('=');
                if (a.Value is null)
                    sb.Append('#').Append(Convert.ToHexStringLower(a.EncodedValue)); // RFC 4514 §2.4
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

    /// <summary>Reads a Name from <paramref name="reader"/>.</summary>
    internal static DistinguishedName Read(ref DerReader reader, string field)
    {
        ReadOnlySpan<byte> encoded = reader.ReadEncodedValue(field);
        var outer = reader.Nested(encoded, field);
        DerReader seq = outer.ReadSequence(field);
        var rdns = new List<NameAttribute[]>();
        var keys = new List<string>();
        while (seq.HasData)
        {
            if (rdns.Count >= 256)
                throw new X509FormatException(field, "more than 256 RDNs");
            DerReader set = seq.ReadSet(field + ".rdn");
            var attributes = new List<NameAttribute>(1);
            var atvKeys = new List<string>(1);
            ReadOnlySpan<byte> previous = default;
            while (set.HasData)
            {
                if (attributes.Count >= 64)
                    throw new X509FormatException(field, "more than 64 attributes in one RDN");
                ReadOnlySpan<byte> atvEncoding = set.ReadEncodedValue(field + ".rdn");
                // X.690 §11.6: the components of a DER SET OF are in ascending order of their encodings.
                if (attributes.Count > 0 && CompareEncodings(previous, atvEncoding) > 0)
                    throw new X509FormatException(field + ".rdn", "SET OF attributes is not in DER order");
                previous = atvEncoding;
                attributes.Add(ReadAttribute(set.Nested(atvEncoding, field), field, out string key));
                atvKeys.Add(key);
            }
            if (attributes.Count == 0)
                throw new X509FormatException(field + ".rdn", "RelativeDistinguishedName is empty");
            atvKeys.Sort(StringComparer.Ordinal);
            var rdnKey = new StringBuilder();
            foreach (string k in atvKeys)
                rdnKey.Append(k.Length).Append(':').Append(k);
            rdns.Add(attributes.ToArray());
            keys.Add(rdnKey.ToString());
        }
        return new DistinguishedName(encoded.ToArray(), rdns.ToArray(), keys.ToArray());
    }

    private static NameAttribute ReadAttribute(DerReader atvOuter, string field, out string key)
    {
        DerReader atv = atvOuter.ReadSequence(field + ".attribute");
        atvOuter.ExpectEnd(field + ".attribute");
        ReadOnlySpan<byte> oid = atv.ReadOid(field + ".attribute.type");
        ReadOnlySpan<byte> encodedValue = atv.ReadElement(field + ".attribute.value", out byte tag, out ReadOnlySpan<byte> content);
        atv.ExpectEnd(field + ".attribute");
        string oidText = DerReader.OidToString(oid);
        string? text = DirectoryString.IsStringTag(tag) ? DirectoryString.Decode(tag, content, field + ".attribute.value") : null;
        if (text is null)
            CheckWellFormed(atv.Nested(encodedValue, field), field + ".attribute.value");
        string valueKey = text is null ? "#" + Convert.ToHexString(encodedValue) : "s" + DirectoryString.Normalize(text);
        key = oidText.Length + ":" + oidText + valueKey;
        return new NameAttribute(oidText, oid.ToArray(), tag, encodedValue.ToArray(), content.ToArray(), text);
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
}
