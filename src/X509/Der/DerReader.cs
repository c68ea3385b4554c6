namespace TlsEngine.X509;

/// <summary>
/// A strict reader of DER (X.690 §10) over a span. It accepts definite, minimally encoded lengths only,
/// low-tag-number identifiers only, minimal INTEGERs, BOOLEANs of 0x00/0xFF, BIT STRINGs with zero padding
/// bits and the time forms of RFC 5280 §4.1.2.5. Every malformation throws <see cref="X509FormatException"/>
/// naming the field; no other exception type escapes, and nesting depth is bounded by <see cref="MaxDepth"/>.
/// </summary>
public ref struct DerReader
{
    /// <summary>Maximum nesting of sub-readers. X.509 structures need fewer than 12 levels.</summary>
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _depth;
    private int _position;

    /// <summary>Creates a top-level reader over <paramref name="data"/>.</summary>
    public DerReader(ReadOnlySpan<byte> data)
        : this(data, 0)
    {
    }

    private DerReader(ReadOnlySpan<byte> data, int depth)
    {
        _data = data;
        _depth = depth;
        _position = 0;
    }

    /// <summary>True while unread bytes remain.</summary>
    public readonly bool HasData => _position < _data.Length;

    /// <summary>The unread bytes.</summary>
    public readonly ReadOnlySpan<byte> Remaining => _data[_position..];

    /// <summary>Nesting depth of this reader (0 for the top level).</summary>
    public readonly int Depth => _depth;

    /// <summary>True if there is a next element and its identifier octet is <paramref name="tag"/>.</summary>
    public readonly bool IsNext(byte tag) => _position < _data.Length && _data[_position] == tag;

    /// <summary>The identifier octet of the next element.</summary>
    public readonly byte PeekTag(string field)
    {
        if (_position >= _data.Length)
            throw new X509FormatException(field, "missing (unexpected end of data)");
        return _data[_position];
    }

    /// <summary>Throws unless every byte has been read (a structure must end where its length says).</summary>
    public readonly void ExpectEnd(string field)
    {
        if (_position < _data.Length)
            throw new X509FormatException(field, $"{_data.Length - _position} unexpected trailing byte(s)");
    }

    /// <summary>
    /// Reads the next element of any tag. Returns its whole encoding (identifier, length and contents);
    /// <paramref name="tag"/> and <paramref name="content"/> receive the identifier octet and the contents.
    /// </summary>
    public ReadOnlySpan<byte> ReadElement(string field, out byte tag, out ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> rest = _data[_position..];
        if (rest.Length == 0)
            throw new X509FormatException(field, "missing (unexpected end of data)");
        if (rest.Length < 2)
            throw new X509FormatException(field, "truncated identifier/length");
        tag = rest[0];
        if ((tag & 0x1F) == 0x1F)
            throw new X509FormatException(field, "high-tag-number identifiers are not used by X.509 and are rejected");
        int header;
        int length;
        byte first = rest[1];
        if (first < 0x80)
        {
            header = 2;
            length = first;
        }
        else if (first == 0x80)
        {
            throw new X509FormatException(field, "indefinite length is not allowed in DER (X.690 §10.1)");
        }
        else
        {
            int count = first & 0x7F;
            if (count > 4)
                throw new X509FormatException(field, $"length of {count} octets is too large");
            if (rest.Length < 2 + count)
                throw new X509FormatException(field, "truncated length");
            if (rest[2] == 0)
                throw new X509FormatException(field, "non-minimal length encoding (leading zero octet)");
            uint value = 0;
            for (int i = 0; i < count; i++)
                value = (value << 8) | rest[2 + i];
            if (value < 0x80)
                throw new X509FormatException(field, "non-minimal length encoding (long form for a length below 128)");
            if (value > int.MaxValue)
                throw new X509FormatException(field, "length is too large");
            header = 2 + count;
            length = (int)value;
        }
        if (length > rest.Length - header)
            throw new X509FormatException(field, $"length {length} exceeds the {rest.Length - header} remaining byte(s)");
        content = rest.Slice(header, length);
        _position += header + length;
        return rest[..(header + length)];
    }

    /// <summary>Reads the next element, which must have identifier octet <paramref name="tag"/>, and returns its contents.</summary>
    public ReadOnlySpan<byte> ReadContent(byte tag, string field)
    {
        byte actual = PeekTag(field);
        if (actual != tag)
            throw new X509FormatException(field, $"expected tag 0x{tag:X2} but found 0x{actual:X2}");
        ReadElement(field, out _, out ReadOnlySpan<byte> content);
        return content;
    }

    /// <summary>Reads the next element of any tag and returns its whole encoding.</summary>
    public ReadOnlySpan<byte> ReadEncodedValue(string field) => ReadElement(field, out _, out _);

    /// <summary>Reads a SEQUENCE and returns a reader over its contents.</summary>
    public DerReader ReadSequence(string field) => Nested(ReadContent(DerTag.Sequence, field), field);

    /// <summary>Reads a SET and returns a reader over its contents.</summary>
    public DerReader ReadSet(string field) => Nested(ReadContent(DerTag.Set, field), field);

    /// <summary>Reads an element with identifier <paramref name="tag"/> and returns a reader over its contents.</summary>
    public DerReader ReadConstructed(byte tag, string field)
    {
        if ((tag & 0x20) == 0)
            throw new X509FormatException(field, "a primitive tag cannot hold nested elements");
        return Nested(ReadContent(tag, field), field);
    }

    /// <summary>Reads an EXPLICIT <c>[number]</c> wrapper and returns a reader over its contents.</summary>
    public DerReader ReadExplicit(int number, string field) => ReadConstructed(DerTag.ContextConstructed(number), field);

    /// <summary>If the next element is EXPLICIT <c>[number]</c>, reads it and returns true with a reader over its contents.</summary>
    public bool TryReadExplicit(int number, string field, out DerReader inner)
    {
        if (IsNext(DerTag.ContextConstructed(number)))
        {
            inner = ReadExplicit(number, field);
            return true;
        }
        inner = default;
        return false;
    }

    /// <summary>Creates a reader over <paramref name="content"/> one level deeper than this one.</summary>
    public readonly DerReader Nested(ReadOnlySpan<byte> content, string field)
    {
        if (_depth + 1 > MaxDepth)
            throw new X509FormatException(field, $"nesting deeper than {MaxDepth} levels");
        return new DerReader(content, _depth + 1);
    }

    /// <summary>Reads a BOOLEAN; DER allows only 0x00 (FALSE) and 0xFF (TRUE) (X.690 §11.1).</summary>
    public bool ReadBoolean(string field)
    {
        ReadOnlySpan<byte> c = ReadContent(DerTag.Boolean, field);
        if (c.Length != 1)
            throw new X509FormatException(field, "BOOLEAN must be one octet");
        return c[0] switch
        {
            0x00 => false,
            0xFF => true,
            _ => throw new X509FormatException(field, $"BOOLEAN value 0x{c[0]:X2} is not DER (only 0x00 and 0xFF)"),
        };
    }

    /// <summary>Reads a NULL.</summary>
    public void ReadNull(string field)
    {
        if (ReadContent(DerTag.Null, field).Length != 0)
            throw new X509FormatException(field, "NULL must have empty contents");
    }

    /// <summary>Reads an INTEGER and returns its minimal two's-complement big-endian contents.</summary>
    public ReadOnlySpan<byte> ReadInteger(string field) => ValidateInteger(ReadContent(DerTag.Integer, field), field);

    /// <summary>Checks that <paramref name="content"/> is a minimally encoded INTEGER (X.690 §8.3.2) and returns it.</summary>
    public static ReadOnlySpan<byte> ValidateInteger(ReadOnlySpan<byte> content, string field)
    {
        if (content.Length == 0)
            throw new X509FormatException(field, "INTEGER has no contents");
        if (content.Length > 1 &&
            ((content[0] == 0x00 && (content[1] & 0x80) == 0) || (content[0] == 0xFF && (content[1] & 0x80) != 0)))
            throw new X509FormatException(field, "INTEGER is not minimally encoded");
        return content;
    }

    /// <summary>Reads a non-negative INTEGER that must be at most <paramref name="max"/>.</summary>
    public int ReadNonNegativeInt32(string field, int max = int.MaxValue)
    {
        ReadOnlySpan<byte> c = ReadInteger(field);
        if ((c[0] & 0x80) != 0)
            throw new X509FormatException(field, "INTEGER must not be negative");
        long value = 0;
        foreach (byte b in c)
        {
            value = (value << 8) | b;
            if (value > max)
                throw new X509FormatException(field, $"INTEGER is larger than {max}");
        }
        return (int)value;
    }

    /// <summary>Reads an OBJECT IDENTIFIER and returns its validated contents (compare with <see cref="Oids"/> values).</summary>
    public ReadOnlySpan<byte> ReadOid(string field) => ValidateOid(ReadContent(DerTag.ObjectIdentifier, field), field);

    /// <summary>Reads an OBJECT IDENTIFIER and returns it in dotted form.</summary>
    public string ReadOidString(string field) => OidToString(ReadOid(field));

    /// <summary>Checks X.690 §8.19: non-empty, every subidentifier minimal (no leading 0x80) and terminated.</summary>
    public static ReadOnlySpan<byte> ValidateOid(ReadOnlySpan<byte> content, string field)
    {
        if (content.Length == 0)
            throw new X509FormatException(field, "OBJECT IDENTIFIER has no contents");
        if ((content[^1] & 0x80) != 0)
            throw new X509FormatException(field, "OBJECT IDENTIFIER ends inside a subidentifier");
        bool atStart = true;
        int groupLength = 0;
        foreach (byte b in content)
        {
            if (atStart && b == 0x80)
                throw new X509FormatException(field, "OBJECT IDENTIFIER subidentifier is not minimally encoded");
            groupLength++;
            if (groupLength > 18)
                throw new X509FormatException(field, "OBJECT IDENTIFIER arc is too large");
            atStart = (b & 0x80) == 0;
            if (atStart)
                groupLength = 0;
        }
        return content;
    }

    /// <summary>Formats validated OBJECT IDENTIFIER contents in dotted decimal form (well-known OIDs: a shared string).</summary>
    public static string OidToString(ReadOnlySpan<byte> content)
    {
        if (KnownOidStrings.Find(content) is { } known)
            return known;
        // At most 7 bits per octet: one decimal digit per 3 bits is an upper bound on the digits, plus a dot per arc
        // and the split first octet.
        int maximum = content.Length * 4 + 4;
        char[]? rented = null;
        Span<char> text = maximum <= 256 ? stackalloc char[maximum] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(maximum));
        int length = 0;
        UInt128 value = 0;
        bool first = true;
        foreach (byte b in content)
        {
            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) != 0)
                continue;
            if (first)
            {
                // X.690 §8.19.4: the first subidentifier is 40 * arc1 + arc2.
                UInt128 arc1 = value < 40 ? 0u : value < 80 ? 1u : 2u;
                Append(text, ref length, arc1, dot: false);
                Append(text, ref length, value - arc1 * 40, dot: true);
                first = false;
            }
            else
            {
                Append(text, ref length, value, dot: true);
            }
            value = 0;
        }
        string result = new(text[..length]);
        if (rented is not null)
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        return result;

        static void Append(Span<char> text, ref int length, UInt128 arc, bool dot)
        {
            if (dot)
                text[length++] = '.';
            arc.TryFormat(text[length..], out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            length += written;
        }
    }

    /// <summary>Reads a BIT STRING; DER requires the unused (padding) bits to be zero (X.690 §11.2.1).</summary>
    public ReadOnlySpan<byte> ReadBitString(string field, out int unusedBits) =>
        ValidateBitString(ReadContent(DerTag.BitString, field), field, out unusedBits);

    /// <summary>Validates BIT STRING contents and returns the bits (without the leading unused-bits octet).</summary>
    public static ReadOnlySpan<byte> ValidateBitString(ReadOnlySpan<byte> content, string field, out int unusedBits)
    {
        if (content.Length == 0)
            throw new X509FormatException(field, "BIT STRING has no unused-bits octet");
        unusedBits = content[0];
        if (unusedBits > 7)
            throw new X509FormatException(field, $"BIT STRING unused-bits count {unusedBits} is above 7");
        if (content.Length == 1 && unusedBits != 0)
            throw new X509FormatException(field, "empty BIT STRING must have zero unused bits");
        if (unusedBits != 0 && (content[^1] & ((1 << unusedBits) - 1)) != 0)
            throw new X509FormatException(field, "BIT STRING padding bits are not zero");
        return content[1..];
    }

    /// <summary>Reads a BIT STRING that must have no unused bits (keys and signatures).</summary>
    public ReadOnlySpan<byte> ReadBitStringBytes(string field)
    {
        ReadOnlySpan<byte> bits = ReadBitString(field, out int unused);
        if (unused != 0)
            throw new X509FormatException(field, "BIT STRING must hold whole octets");
        return bits;
    }

    /// <summary>Reads an OCTET STRING.</summary>
    public ReadOnlySpan<byte> ReadOctetString(string field) => ReadContent(DerTag.OctetString, field);

    /// <summary>Reads a Time (RFC 5280 §4.1.2.5): UTCTime or GeneralizedTime, in UTC with seconds.</summary>
    public DateTimeOffset ReadTime(string field)
    {
        byte tag = PeekTag(field);
        ReadElement(field, out _, out ReadOnlySpan<byte> content);
        return tag switch
        {
            DerTag.UtcTime => ParseUtcTime(content, field),
            DerTag.GeneralizedTime => ParseGeneralizedTime(content, field),
            _ => throw new X509FormatException(field, $"expected UTCTime or GeneralizedTime but found tag 0x{tag:X2}"),
        };
    }

    /// <summary>RFC 5280 §4.1.2.5.1: YYMMDDHHMMSSZ; YY of 50–99 means 19YY, 00–49 means 20YY.</summary>
    public static DateTimeOffset ParseUtcTime(ReadOnlySpan<byte> s, string field)
    {
        if (s.Length != 13 || s[12] != (byte)'Z')
            throw new X509FormatException(field, "UTCTime must be YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1)");
        int yy = TwoDigits(s, 0, field);
        int year = yy >= 50 ? 1900 + yy : 2000 + yy;
        return Build(year, s[2..], field);
    }

    /// <summary>RFC 5280 §4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds.</summary>
    public static DateTimeOffset ParseGeneralizedTime(ReadOnlySpan<byte> s, string field)
    {
        if (s.Length != 15 || s[14] != (byte)'Z')
            throw new X509FormatException(field, "GeneralizedTime must be YYYYMMDDHHMMSSZ without fractional seconds (RFC 5280 §4.1.2.5.2)");
        int year = TwoDigits(s, 0, field) * 100 + TwoDigits(s, 2, field);
        if (year == 0)
            throw new X509FormatException(field, "year 0000 is not valid");
        return Build(year, s[4..], field);
    }

    // s is MMDDHHMMSSZ.
    private static DateTimeOffset Build(int year, ReadOnlySpan<byte> s, string field)
    {
        int month = TwoDigits(s, 0, field);
        int day = TwoDigits(s, 2, field);
        int hour = TwoDigits(s, 4, field);
        int minute = TwoDigits(s, 6, field);
        int second = TwoDigits(s, 8, field);
        if (month is < 1 or > 12)
            throw new X509FormatException(field, $"month {month} is out of range");
        if (day < 1 || day > DateTime.DaysInMonth(year, month))
            throw new X509FormatException(field, $"day {day} is out of range");
        if (hour > 23 || minute > 59 || second > 59)
            throw new X509FormatException(field, "time of day is out of range");
        return new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
    }

    private static int TwoDigits(ReadOnlySpan<byte> s, int at, string field)
    {
        int a = s[at] - '0';
        int b = s[at + 1] - '0';
        if ((uint)a > 9 || (uint)b > 9)
            throw new X509FormatException(field, "time contains a non-digit");
        return a * 10 + b;
    }
}
