using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace TlsEngine.Hsm;

/// <summary>Object search (C_FindObjects, PKCS#11 v2.40 §5.7) and attribute reads (C_GetAttributeValue) on one session.</summary>
internal static class Pkcs11Objects
{
    /// <summary>
    /// Objects of a class with the given CKA_LABEL and CKA_ID (each only if given): the RFC 7512 "object" and "id"
    /// path attributes as a search template (RFC 7512 §2.5: an absent attribute matches everything).
    /// </summary>
    public static List<IObjectHandle> Find(ISession session, CKO objectClass, string? label, byte[]? id)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute> { f.Create(CKA.CKA_CLASS, objectClass) };
        if (label is not null) template.Add(f.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(label)));
        if (id is not null) template.Add(f.Create(CKA.CKA_ID, id));
        try
        {
            return session.FindAllObjects(template);
        }
        finally
        {
            foreach (var a in template) a.Dispose();
        }
    }

    /// <summary>Reads attributes in one C_GetAttributeValue; an attribute the object lacks or hides comes back null.</summary>
    public static Dictionary<CKA, IObjectAttribute?> Read(ISession session, IObjectHandle handle, params CKA[] types)
    {
        var values = session.GetAttributeValue(handle, [.. types]);
        var result = new Dictionary<CKA, IObjectAttribute?>();
        for (int i = 0; i < types.Length; i++)
            result[types[i]] = values[i].CannotBeRead ? null : values[i];
        return result;
    }

    public static byte[]? Bytes(IObjectAttribute? a) => a?.GetValueAsByteArray();

    public static string? Text(IObjectAttribute? a) => a?.GetValueAsByteArray() is { } b ? Encoding.UTF8.GetString(b) : null;

    public static bool? Bool(IObjectAttribute? a) => a?.GetValueAsBool();

    public static ulong? ULong(IObjectAttribute? a) => a?.GetValueAsUlong();

    /// <summary>
    /// CKA_EC_POINT holds the DER OCTET STRING of the point (PKCS#11 v2.40 §2.3.3; SoftHSM: 04 41 04 X Y), though some
    /// modules return the raw point. Returns the raw point of <paramref name="rawLength"/> bytes either way.
    /// </summary>
    public static byte[] UnwrapEcPoint(byte[] point, int rawLength)
    {
        if (point.Length == rawLength) return point;
        if (rawLength < 0x80 && point.Length == rawLength + 2 && point[0] == 0x04 && point[1] == rawLength) return point[2..];
        if (point.Length == rawLength + 3 && point[0] == 0x04 && point[1] == 0x81 && point[2] == rawLength) return point[3..];
        throw new HsmException($"CKA_EC_POINT has {point.Length} bytes, which is neither a {rawLength}-byte point nor its DER OCTET STRING");
    }
}
