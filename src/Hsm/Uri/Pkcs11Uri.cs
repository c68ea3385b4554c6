using System.Text;
using System.Text.RegularExpressions;

namespace TlsEngine.Hsm;

/// <summary>
/// A PKCS#11 URI (RFC 7512): path attributes that select a library, slot, token and object, and query attributes that
/// say how to reach them (module, PIN). Parse with <see cref="Parse"/>; <see cref="ToString"/> re-encodes it with any
/// pin-value replaced by "***".
/// </summary>
/// <remarks>
/// Deviations, chosen so that a typo cannot silently select another key or skip the PIN: unknown attributes are refused
/// in the query as well as in the path (RFC 7512 §2.5 says unknown query attributes SHOULD be ignored), and
/// "module-name" and "module-path" may not be combined (§2.4 leaves that implementation specific).
/// Without module attributes the module is <see cref="Pkcs11Module.DefaultModulePath"/>.
/// </remarks>
public sealed partial class Pkcs11Uri
{
    public const string Scheme = "pkcs11:";

    internal Pkcs11Uri()
    {
    }

    // Path component (RFC 7512 §2.3, Table 1).

    /// <summary>"token": CK_TOKEN_INFO.label.</summary>
    public string? Token { get; internal set; }

    /// <summary>"manufacturer": CK_TOKEN_INFO.manufacturerID.</summary>
    public string? Manufacturer { get; internal set; }

    /// <summary>"serial": CK_TOKEN_INFO.serialNumber.</summary>
    public string? Serial { get; internal set; }

    /// <summary>"model": CK_TOKEN_INFO.model.</summary>
    public string? Model { get; internal set; }

    /// <summary>"library-manufacturer": CK_INFO.manufacturerID.</summary>
    public string? LibraryManufacturer { get; internal set; }

    /// <summary>"library-description": CK_INFO.libraryDescription.</summary>
    public string? LibraryDescription { get; internal set; }

    /// <summary>"library-version": CK_INFO.libraryVersion ("M" means M.0).</summary>
    public Version? LibraryVersion { get; internal set; }

    /// <summary>"object": CKA_LABEL.</summary>
    public string? Object { get; internal set; }

    /// <summary>"type": CKA_CLASS.</summary>
    public Pkcs11ObjectType? Type { get; internal set; }

    /// <summary>"id": CKA_ID (binary).</summary>
    public byte[]? Id { get; internal set; }

    /// <summary>"slot-description": CK_SLOT_INFO.slotDescription.</summary>
    public string? SlotDescription { get; internal set; }

    /// <summary>"slot-manufacturer": CK_SLOT_INFO.manufacturerID.</summary>
    public string? SlotManufacturer { get; internal set; }

    /// <summary>"slot-id": CK_SLOT_ID (not stable across module initialisations, RFC 7512 §2.3).</summary>
    public ulong? SlotId { get; internal set; }

    // Query component (RFC 7512 §2.4).

    /// <summary>"pin-source" or "pin-value"; <see cref="PinSource.None"/> when neither is given.</summary>
    public PinSource Pin { get; internal set; } = PinSource.None;

    /// <summary>"module-path": absolute path of the PKCS#11 module.</summary>
    public string? ModulePath { get; internal set; }

    /// <summary>"module-name": module name without "lib" prefix or ".so" suffix, looked up in the usual directories.</summary>
    public string? ModuleName { get; internal set; }

    /// <summary>True if the text starts with the "pkcs11:" scheme (case-insensitive, RFC 3986 §3.1).</summary>
    public static bool IsPkcs11Uri(string? text) => text is not null && text.TrimStart().StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses and validates a PKCS#11 URI.</summary>
    /// <exception cref="FormatException">Not a valid RFC 7512 URI, or one this library refuses; the message says why.</exception>
    public static Pkcs11Uri Parse(string text) => Pkcs11UriParser.Parse(text);

    /// <summary>The URI with every attribute re-encoded (RFC 7512 §2.6 normal form for "id"), pin-value shown as "***".</summary>
    public override string ToString()
    {
        var path = new List<string>();
        void Text(string name, string? value)
        {
            if (value is not null) path.Add(name + "=" + PercentEncoding.EncodeText(value, ""));
        }
        Text("library-manufacturer", LibraryManufacturer);
        Text("library-description", LibraryDescription);
        if (LibraryVersion is { } v) path.Add($"library-version={v.Major}.{v.Minor}");
        Text("slot-manufacturer", SlotManufacturer);
        Text("slot-description", SlotDescription);
        if (SlotId is { } s) path.Add($"slot-id={s}");
        Text("manufacturer", Manufacturer);
        Text("model", Model);
        Text("serial", Serial);
        Text("token", Token);
        Text("object", Object);
        if (Id is not null) path.Add("id=" + PercentEncoding.EncodeAllOctets(Id));
        if (Type is { } t) path.Add("type=" + Pkcs11ObjectTypes.Name(t));

        var query = new List<string>();
        if (ModuleName is not null) query.Add("module-name=" + PercentEncoding.EncodeText(ModuleName, ""));
        if (ModulePath is not null) query.Add("module-path=" + PercentEncoding.EncodeText(ModulePath, "/"));
        if (!Pin.IsNone)
            query.Add(Pin.IsValue ? "pin-value=***" : "pin-source=" + PercentEncoding.EncodeText(Pin.ToString(), ":/"));

        var sb = new StringBuilder(Scheme).AppendJoin(';', path);
        if (query.Count > 0) sb.Append('?').AppendJoin('&', query);
        return sb.ToString();
    }

    /// <summary>
    /// Replaces the value of every "pin-value=" in free text (a command line, an error message) with "***", so text that
    /// may contain a PKCS#11 URI can be printed.
    /// </summary>
    public static string RedactPinValues(string text) => PinValuePattern().Replace(text, "${name}***");

    [GeneratedRegex(@"(?<name>pin-value=)[^&\s'""]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PinValuePattern();
}
