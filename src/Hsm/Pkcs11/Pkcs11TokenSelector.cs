using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace TlsEngine.Hsm;

/// <summary>
/// Finds the one token a URI names (RFC 7512 §2.5): every library, slot and token attribute present must match the
/// module's CK_INFO, the slot's CK_SLOT_INFO and the token's CK_TOKEN_INFO; an absent attribute matches everything.
/// </summary>
internal static class Pkcs11TokenSelector
{
    /// <exception cref="HsmException">No token or more than one token matches; the message lists the tokens present.</exception>
    public static ISlot SelectToken(Pkcs11Module module, Pkcs11Uri uri)
    {
        if (!LibraryMatches(module, uri))
            throw new HsmException($"{module} does not match the library attributes of {uri}");
        var slots = module.SlotsWithTokens();
        var matches = new List<ISlot>();
        foreach (var slot in slots)
        {
            var token = slot.GetTokenInfo();
            // An uninitialised token (SoftHSM's spare slot, a blank card) holds no keys: C_OpenSession would fail.
            if (token.TokenFlags.TokenInitialized && SlotMatches(slot, uri) && TokenMatches(token, uri))
                matches.Add(slot);
        }
        if (matches.Count == 1) return matches[0];
        var present = slots.Count == 0 ? "none" : string.Join(", ", slots.Select(Describe));
        if (matches.Count == 0)
            throw new HsmException($"no token in {module} matches {uri}; tokens present: {present}");
        throw new HsmException($"{matches.Count} tokens in {module} match {uri}: add token= or serial= to choose one; tokens present: {present}");
    }

    public static bool LibraryMatches(Pkcs11Module module, Pkcs11Uri uri)
    {
        if (uri.LibraryManufacturer is null && uri.LibraryDescription is null && uri.LibraryVersion is null) return true;
        var info = module.Library.GetInfo();
        return Matches(uri.LibraryManufacturer, info.ManufacturerId)
            && Matches(uri.LibraryDescription, info.LibraryDescription)
            && (uri.LibraryVersion is null || (Version.TryParse(info.LibraryVersion, out var v) && v.Major == uri.LibraryVersion.Major && Math.Max(v.Minor, 0) == uri.LibraryVersion.Minor));
    }

    private static bool SlotMatches(ISlot slot, Pkcs11Uri uri)
    {
        if (uri.SlotId is { } id && slot.SlotId != id) return false;
        if (uri.SlotDescription is null && uri.SlotManufacturer is null) return true;
        var info = slot.GetSlotInfo();
        return Matches(uri.SlotDescription, info.SlotDescription) && Matches(uri.SlotManufacturer, info.ManufacturerId);
    }

    private static bool TokenMatches(ITokenInfo info, Pkcs11Uri uri) =>
        Matches(uri.Token, info.Label) && Matches(uri.Manufacturer, info.ManufacturerId)
        && Matches(uri.Serial, info.SerialNumber) && Matches(uri.Model, info.Model);

    /// <summary>
    /// PKCS#11 blank-pads fixed-size fields (v2.40 §3.1), so compare without trailing blanks; an empty URI value matches
    /// only an empty (all blank) field (RFC 7512 §2.3).
    /// </summary>
    private static bool Matches(string? wanted, string actual) =>
        wanted is null || string.Equals(wanted, Unpad(actual), StringComparison.Ordinal);

    public static string Unpad(string field) => field.TrimEnd(' ', '\0');

    public static string Describe(ISlot slot)
    {
        try
        {
            var t = slot.GetTokenInfo();
            return $"'{Unpad(t.Label)}' (serial {Unpad(t.SerialNumber)}, slot {slot.SlotId})";
        }
        catch (Pkcs11Exception e)
        {
            return $"slot {slot.SlotId} ({Pkcs11ReturnValues.Name(e.RV)})";
        }
    }
}
