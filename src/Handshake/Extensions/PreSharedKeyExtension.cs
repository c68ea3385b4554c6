using TlsEngine.Codec;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Extensions;

/// <summary>A PskIdentity: identity&lt;1..2^16-1&gt; and obfuscated_ticket_age (RFC 8446 §4.2.11).</summary>
internal readonly record struct PskIdentity(ReadOnlyMemory<byte> Identity, uint ObfuscatedTicketAge);

/// <summary>OfferedPsks in a ClientHello, with the length of the binders list that Truncate() removes (RFC 8446 §4.2.11.2).</summary>
internal sealed record OfferedPsks(List<PskIdentity> Identities, List<byte[]> Binders, int BindersLength);

/// <summary>pre_shared_key (RFC 8446 §4.2.11).</summary>
internal static class PreSharedKeyExtension
{
    public static OfferedPsks ParseClientHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ClientHello.pre_shared_key");
        var ids = r.ReadList16("identities", 7);
        var identities = new List<PskIdentity>();
        while (!ids.IsEmpty)
        {
            // A slice of the extension data (itself a slice of the ClientHello): tickets are the biggest field here.
            var identity = MemorySlice.Within(data, ids.ReadVector16("identity", 1));
            identities.Add(new PskIdentity(identity, ids.ReadU32("obfuscated_ticket_age")));
        }
        int bindersLength = r.Remaining;
        var list = r.ReadList16("binders", 33);
        r.ExpectEnd();
        var binders = new List<byte[]>();
        while (!list.IsEmpty) binders.Add(list.ReadVector8("PskBinderEntry", 32, 255).ToArray());
        if (binders.Count != identities.Count)
            throw TlsAlert.IllegalParameter($"ClientHello.pre_shared_key has {identities.Count} identities but {binders.Count} binders (RFC 8446 §4.2.11)");
        return new OfferedPsks(identities, binders, bindersLength);
    }

    /// <summary>OfferedPsks with one identity and a zero binder of <paramref name="binderLength"/> bytes, patched after hashing.</summary>
    public static void WriteClientHello(TlsWriter w, ReadOnlySpan<byte> identity, uint obfuscatedAge, int binderLength)
    {
        if (binderLength > 255) throw new ArgumentException("a PskBinderEntry is at most 255 bytes");
        int ids = w.BeginVector16();
        w.WriteVector16(identity);
        w.WriteU32(obfuscatedAge);
        w.EndVector16(ids);
        int binders = w.BeginVector16();
        w.WriteU8((byte)binderLength);
        w.WriteZeros(binderLength);
        w.EndVector16(binders);
    }

    /// <summary>Bytes the binders list takes at the end of a ClientHello with one binder (its 2-byte length included).</summary>
    public static int BindersListLength(int binderLength) => 2 + 1 + binderLength;

    public static ushort ParseServerHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ServerHello.pre_shared_key");
        ushort selected = r.ReadU16("selected_identity");
        r.ExpectEnd();
        return selected;
    }

    public static void WriteServerHello(TlsWriter w, ushort selected) => w.WriteU16(selected);
}
