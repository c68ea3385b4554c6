using TlsEngine.Codec;
using TlsEngine.Record;

namespace TlsEngine.Extensions;

/// <summary>
/// Extensions whose body is one list of uint16 code points: supported_groups (RFC 8446 §4.2.7,
/// named_group_list&lt;2..2^16-1&gt;) and signature_algorithms / signature_algorithms_cert (§4.2.3,
/// supported_signature_algorithms&lt;2..2^16-2&gt;).
/// </summary>
internal static class U16ListExtension
{
    public static List<T> Parse<T>(ReadOnlyMemory<byte> data, string context) where T : struct, Enum
    {
        var r = new TlsReader(data.Span, context);
        var list = r.ReadList16("list", 2, 0xFFFE);
        r.ExpectEnd();
        if (list.Remaining % 2 != 0)
            throw TlsAlert.DecodeError($"{context} has an odd length");
        var items = new List<T>(list.Remaining / 2);
        while (!list.IsEmpty)
        {
            ushort v = list.ReadU16("entry");
            items.Add(System.Runtime.CompilerServices.Unsafe.As<ushort, T>(ref v));
        }
        return items;
    }

    /// <summary>The list of <paramref name="items"/> followed by <paramref name="extra"/>.</summary>
    public static void Write<T>(TlsWriter w, IList<T> items, ReadOnlySpan<T> extra = default) where T : struct, Enum
    {
        int at = w.BeginVector16();
        // Indexed: options hold lists, and a foreach over the interface would box its enumerator.
        for (int i = 0; i < items.Count; i++)
        {
            var v = items[i];
            w.WriteU16(System.Runtime.CompilerServices.Unsafe.As<T, ushort>(ref v));
        }
        foreach (var e in extra)
        {
            var v = e;
            w.WriteU16(System.Runtime.CompilerServices.Unsafe.As<T, ushort>(ref v));
        }
        w.EndVector16(at);
    }
}
