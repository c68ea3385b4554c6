using System.Text;

namespace TlsEngine.X509;

/// <summary>Decoding and RFC 5280 §7.1 normalisation of the ASN.1 string types found in names.</summary>
internal static class DirectoryString
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16BigEndian = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UTF32Encoding StrictUtf32BigEndian = new(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    /// <summary>True for the string types this layer decodes.</summary>
    public static bool IsStringTag(byte tag) => tag is DerTag.Utf8String or DerTag.PrintableString or DerTag.Ia5String
        or DerTag.TeletexString or DerTag.BmpString or DerTag.UniversalString or DerTag.VisibleString or DerTag.NumericString;

    /// <summary>Decodes a string value; invalid encodings throw <see cref="X509FormatException"/>.</summary>
    public static string Decode(byte tag, ReadOnlySpan<byte> content, string field)
    {
        try
        {
            switch (tag)
            {
                case DerTag.Utf8String:
                    return StrictUtf8.GetString(content);
                case DerTag.BmpString:
                    if ((content.Length & 1) != 0)
                        throw new X509FormatException(field, "BMPString has an odd length");
                    return StrictUtf16BigEndian.GetString(content);
                case DerTag.UniversalString:
                    if ((content.Length & 3) != 0)
                        throw new X509FormatException(field, "UniversalString length is not a multiple of 4");
                    return StrictUtf32BigEndian.GetString(content);
                case DerTag.TeletexString:
                    // T.61 is in practice Latin-1 in certificates.
                    return Encoding.Latin1.GetString(content);
                default:
                    return DecodeAscii(content, field);
            }
        }
        catch (DecoderFallbackException)
        {
            throw new X509FormatException(field, "string value is not validly encoded");
        }
    }

    /// <summary>Checks a string value as <see cref="Decode"/> does, without building the string (for the common types).</summary>
    public static void Validate(byte tag, ReadOnlySpan<byte> content, string field)
    {
        switch (tag)
        {
            case DerTag.Utf8String:
                // The same well-formedness rule as the strict decoder (Unicode §3.9 D92).
                if (!System.Text.Unicode.Utf8.IsValid(content))
                    throw new X509FormatException(field, "string value is not validly encoded");
                return;
            case DerTag.TeletexString:
                return;
            case DerTag.BmpString:
            case DerTag.UniversalString:
                Decode(tag, content, field);
                return;
            default:
                CheckAscii(content, field);
                return;
        }
    }

    /// <summary>Decodes IA5String, PrintableString, VisibleString and NumericString: 7-bit only.</summary>
    public static string DecodeAscii(ReadOnlySpan<byte> content, string field)
    {
        CheckAscii(content, field);
        return Encoding.ASCII.GetString(content);
    }

    /// <summary>Checks that IA5String, PrintableString, VisibleString or NumericString contents are 7-bit.</summary>
    public static void CheckAscii(ReadOnlySpan<byte> content, string field)
    {
        if (!System.Text.Ascii.IsValid(content))
            throw new X509FormatException(field, "7-bit string contains a byte above 0x7F");
    }

    /// <summary>
    /// RFC 5280 §7.1 (a subset of RFC 4518): case folding, removal of leading and trailing white space
    /// and folding of inner white-space runs to one space.
    /// </summary>
    public static string Normalize(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool pendingSpace = false;
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>True if <see cref="Normalize"/> would return the same string for both, without building either.</summary>
    public static bool FoldedEquals(string a, string b)
    {
        var x = new Folder(a);
        var y = new Folder(b);
        while (true)
        {
            int cx = x.Next(), cy = y.Next();
            if (cx != cy)
                return false;
            if (cx < 0)
                return true;
        }
    }

    // Walks a string as Normalize folds it: leading and trailing white space dropped, inner runs as one space, lower case.
    private struct Folder(string text)
    {
        private int _index;
        private bool _emitted;

        public int Next()
        {
            if (_index >= text.Length)
                return -1;
            if (char.IsWhiteSpace(text[_index]))
            {
                while (_index < text.Length && char.IsWhiteSpace(text[_index]))
                    _index++;
                if (_index >= text.Length)
                    return -1;
                if (_emitted)
                    return ' ';
            }
            _emitted = true;
            return char.ToLowerInvariant(text[_index++]);
        }
    }
}
