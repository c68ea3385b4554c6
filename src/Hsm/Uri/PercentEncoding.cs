using System.Text;

namespace TlsEngine.Hsm;

/// <summary>Percent-encoding as RFC 3986 §2.1 defines it, with the character sets RFC 7512 §2.3 allows unencoded.</summary>
internal static class PercentEncoding
{
    private const string Unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    /// <summary>pk11-res-avail (RFC 7512 §2.3): reserved characters that need no encoding in either component.</summary>
    private const string ResAvail = ":[]@!$'()*+,=";

    /// <summary>pk11-path-res-avail = pk11-res-avail / "&amp;".</summary>
    public const string PathExtra = ResAvail + "&";

    /// <summary>pk11-query-res-avail = pk11-res-avail / "/" / "?" / "|".</summary>
    public const string QueryExtra = ResAvail + "/?|";

    /// <summary>
    /// Decodes <paramref name="value"/> to octets. Every character must be unreserved, one of <paramref name="allowed"/>,
    /// or part of a "%" HEXDIG HEXDIG triplet (pk11-pchar / pk11-qchar); anything else is refused.
    /// </summary>
    public static byte[] DecodeOctets(string value, string allowed, string attribute)
    {
        var bytes = new List<byte>(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                    throw new FormatException($"PKCS#11 URI attribute '{attribute}' has a '%' that is not followed by two hex digits (RFC 3986 §2.1)");
                bytes.Add((byte)(HexValue(value[i + 1]) << 4 | HexValue(value[i + 2])));
                i += 2;
            }
            else if (Unreserved.Contains(c) || allowed.Contains(c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                throw new FormatException($"PKCS#11 URI attribute '{attribute}' contains '{Printable(c)}', which must be percent-encoded (RFC 7512 §2.3)");
            }
        }
        return [.. bytes];
    }

    /// <summary>Decodes a textual attribute: percent-decoding, then strict UTF-8 (RFC 7512 §2.3).</summary>
    public static string DecodeText(string value, string allowed, string attribute)
    {
        var octets = DecodeOctets(value, allowed, attribute);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(octets);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"PKCS#11 URI attribute '{attribute}' is not valid UTF-8 after percent-decoding (RFC 7512 §2.3)");
        }
    }

    /// <summary>Encodes text for the path or query, leaving unreserved characters and <paramref name="allowed"/> as they are.</summary>
    public static string EncodeText(string text, string allowed)
    {
        var sb = new StringBuilder(text.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            char c = (char)b;
            if (b < 0x80 && (Unreserved.Contains(c) || allowed.Contains(c)))
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Encodes every octet, upper-case hex, as RFC 7512 §2.3 recommends for "id" (and §2.6 requires for comparison).</summary>
    public static string EncodeAllOctets(ReadOnlySpan<byte> octets)
    {
        var sb = new StringBuilder(octets.Length * 3);
        foreach (byte b in octets)
            sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string Printable(char c) => c is < ' ' or > '~' ? $"U+{(int)c:X4}" : c.ToString();
}
