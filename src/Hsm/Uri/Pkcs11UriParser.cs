using System.Globalization;
using System.Text;

namespace TlsEngine.Hsm;

/// <summary>
/// RFC 7512 §2.3 grammar and constraints: "pkcs11:" path [ "?" query ], path attributes separated by ';', query
/// attributes by '&amp;', values percent-decoded, duplicates and unknown attributes refused, values that PKCS#11 could not
/// hold (over-long labels) refused as §2.3 requires.
/// </summary>
internal static class Pkcs11UriParser
{
    /// <summary>Fixed-size, blank-padded CK_INFO / CK_SLOT_INFO / CK_TOKEN_INFO fields (PKCS#11 v2.40 §3.1–3.2).</summary>
    private static readonly Dictionary<string, int> FieldSizes = new()
    {
        ["token"] = 32,
        ["manufacturer"] = 32,
        ["serial"] = 16,
        ["model"] = 16,
        ["library-manufacturer"] = 32,
        ["library-description"] = 32,
        ["slot-description"] = 64,
        ["slot-manufacturer"] = 32,
    };

    private static readonly string[] PathAttributes =
    [
        "token", "manufacturer", "serial", "model", "library-manufacturer", "library-description", "library-version",
        "object", "type", "id", "slot-description", "slot-manufacturer", "slot-id",
    ];

    private static readonly string[] QueryAttributes = ["pin-source", "pin-value", "module-name", "module-path"];

    public static Pkcs11Uri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // RFC 7512 §3 / RFC 3986 Appendix C: surrounding whitespace is not part of the URI.
        text = text.Trim();
        if (!text.StartsWith(Pkcs11Uri.Scheme, StringComparison.OrdinalIgnoreCase))
            throw new FormatException("a PKCS#11 URI starts with 'pkcs11:' (RFC 7512 §2.3)");
        var rest = text[Pkcs11Uri.Scheme.Length..];
        if (rest.Contains('#'))
            throw new FormatException("a PKCS#11 URI has no fragment; '#' must be percent-encoded as %23 (RFC 7512 §2.3)");
        int q = rest.IndexOf('?');
        string path = q < 0 ? rest : rest[..q];
        string? query = q < 0 ? null : rest[(q + 1)..];

        var uri = new Pkcs11Uri();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (path.Length > 0)
        {
            foreach (var part in path.Split(';'))
            {
                var (name, value) = SplitAttribute(part, "path", ';');
                if (!PathAttributes.Contains(name))
                    throw new FormatException($"unknown PKCS#11 URI path attribute '{name}' (RFC 7512 §2.3 defines {string.Join(", ", PathAttributes)})");
                if (!seen.Add(name))
                    throw new FormatException($"PKCS#11 URI path attribute '{name}' appears twice (RFC 7512 §2.3 forbids duplicates)");
                SetPathAttribute(uri, name, value);
            }
        }
        if (query is { Length: > 0 })
        {
            foreach (var part in query.Split('&'))
            {
                var (name, value) = SplitAttribute(part, "query", '&');
                if (!QueryAttributes.Contains(name))
                    throw new FormatException($"unknown PKCS#11 URI query attribute '{name}' (supported: {string.Join(", ", QueryAttributes)})");
                if (!seen.Add(name))
                    throw new FormatException($"PKCS#11 URI query attribute '{name}' appears twice (RFC 7512 §2.4)");
                SetQueryAttribute(uri, name, value);
            }
        }
        if (seen.Contains("pin-source") && seen.Contains("pin-value"))
            throw new FormatException("a PKCS#11 URI may not have both pin-source and pin-value (RFC 7512 §2.4)");
        if (seen.Contains("module-name") && seen.Contains("module-path"))
            throw new FormatException("give either module-name or module-path in a PKCS#11 URI, not both (RFC 7512 §2.4)");
        return uri;
    }

    private static (string Name, string Value) SplitAttribute(string part, string component, char separator)
    {
        int eq = part.IndexOf('=');
        if (part.Length == 0)
            throw new FormatException($"empty attribute in the PKCS#11 URI {component} (stray '{separator}')");
        if (eq <= 0)
            throw new FormatException($"PKCS#11 URI {component} attribute '{Shorten(part)}' is not of the form name=value (RFC 7512 §2.3)");
        // Attribute names are literal strings of the ABNF (RFC 5234 §2.3: case-insensitive); normalise to lower case.
        var name = part[..eq].ToLowerInvariant();
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new FormatException($"PKCS#11 URI attribute name '{Shorten(part[..eq])}' has characters outside ALPHA / DIGIT / '-' / '_' (RFC 7512 §2.3)");
        return (name, part[(eq + 1)..]);
    }

    private static void SetPathAttribute(Pkcs11Uri uri, string name, string raw)
    {
        switch (name)
        {
            case "id":
                uri.Id = PercentEncoding.DecodeOctets(raw, PercentEncoding.PathExtra, name);
                return;
            case "type":
                var typeText = PercentEncoding.DecodeText(raw, PercentEncoding.PathExtra, name);
                uri.Type = Pkcs11ObjectTypes.TryParse(typeText, out var type)
                    ? type
                    : throw new FormatException($"PKCS#11 URI type '{typeText}' is not one of public, private, cert, secret-key, data (RFC 7512 §2.3)");
                return;
            case "library-version":
                uri.LibraryVersion = ParseLibraryVersion(PercentEncoding.DecodeText(raw, PercentEncoding.PathExtra, name));
                return;
            case "slot-id":
                var slotText = PercentEncoding.DecodeText(raw, PercentEncoding.PathExtra, name);
                if (slotText.Length == 0 || !slotText.All(char.IsAsciiDigit) || !ulong.TryParse(slotText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong slot))
                    throw new FormatException($"PKCS#11 URI slot-id '{slotText}' is not a decimal CK_SLOT_ID (RFC 7512 §2.3)");
                uri.SlotId = slot;
                return;
        }
        var value = PercentEncoding.DecodeText(raw, PercentEncoding.PathExtra, name);
        if (FieldSizes.TryGetValue(name, out int max) && Encoding.UTF8.GetByteCount(value) > max)
            throw new FormatException($"PKCS#11 URI {name} is {Encoding.UTF8.GetByteCount(value)} bytes long; PKCS#11 holds at most {max} (RFC 7512 §2.3 requires refusing it)");
        switch (name)
        {
            case "token": uri.Token = value; break;
            case "manufacturer": uri.Manufacturer = value; break;
            case "serial": uri.Serial = value; break;
            case "model": uri.Model = value; break;
            case "library-manufacturer": uri.LibraryManufacturer = value; break;
            case "library-description": uri.LibraryDescription = value; break;
            case "object": uri.Object = value; break;
            case "slot-description": uri.SlotDescription = value; break;
            case "slot-manufacturer": uri.SlotManufacturer = value; break;
        }
    }

    private static void SetQueryAttribute(Pkcs11Uri uri, string name, string raw)
    {
        switch (name)
        {
            case "pin-value":
                // Decoded into a char array only as long as it takes to copy it into the PinSource.
                uri.Pin = PinSource.FromValue(PercentEncoding.DecodeText(raw, PercentEncoding.QueryExtra, name));
                break;
            case "pin-source":
                uri.Pin = PinSource.Parse(PercentEncoding.DecodeText(raw, PercentEncoding.QueryExtra, name));
                break;
            case "module-path":
                var path = PercentEncoding.DecodeText(raw, PercentEncoding.QueryExtra, name);
                // RFC 7512 §2.4: "a URI with a relative path in this attribute SHOULD be rejected".
                if (!Path.IsPathFullyQualified(path))
                    throw new FormatException($"PKCS#11 URI module-path '{path}' is not an absolute path (RFC 7512 §2.4)");
                uri.ModulePath = path;
                break;
            case "module-name":
                var moduleName = PercentEncoding.DecodeText(raw, PercentEncoding.QueryExtra, name);
                if (moduleName.Length == 0 || moduleName.Contains('/') || moduleName.Contains('\\'))
                    throw new FormatException($"PKCS#11 URI module-name '{moduleName}' must be a module name, not a path (RFC 7512 §2.4)");
                uri.ModuleName = moduleName;
                break;
        }
    }

    /// <summary>"M" or "M.N", each a decimal byte (RFC 7512 §2.3: "M" means M.0).</summary>
    private static Version ParseLibraryVersion(string text)
    {
        var parts = text.Split('.');
        if (parts.Length is < 1 or > 2 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
            throw new FormatException($"PKCS#11 URI library-version '{text}' is not M or M.N (RFC 7512 §2.3)");
        int major = Byte(parts[0]), minor = parts.Length == 2 ? Byte(parts[1]) : 0;
        return new Version(major, minor);

        int Byte(string p) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 255
            ? n
            : throw new FormatException($"PKCS#11 URI library-version '{text}': each number is one byte (RFC 7512 §2.3)");
    }

    /// <summary>Keeps error messages short and free of anything after the attribute name that might be secret.</summary>
    private static string Shorten(string s) => Pkcs11Uri.RedactPinValues(s.Length > 40 ? s[..40] + "…" : s);
}
