using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Extensions;

/// <summary>A KeyShareEntry: group and key_exchange&lt;1..2^16-1&gt; (RFC 8446 §4.2.8).</summary>
/// <remarks>The key is a slice of the message it was read from: valid while that message is handled.</remarks>
internal readonly record struct KeyShareEntry(NamedGroup Group, ReadOnlyMemory<byte> KeyExchange);

/// <summary>The key_share extension in its three forms (RFC 8446 §4.2.8).</summary>
internal static class KeyShareExtension
{
    /// <summary>KeyShareClientHello: client_shares&lt;0..2^16-1&gt;; a group may appear only once (illegal_parameter).</summary>
    public static List<KeyShareEntry> ParseClientHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ClientHello.key_share");
        var list = r.ReadList16("client_shares");
        r.ExpectEnd();
        var shares = new List<KeyShareEntry>();
        while (!list.IsEmpty)
        {
            var group = (NamedGroup)list.ReadU16("group");
            var key = MemorySlice.Within(data, list.ReadVector16("key_exchange", 1));
            foreach (var s in shares)
            {
                if (s.Group == group)
                    throw TlsAlert.IllegalParameter($"ClientHello.key_share offers group {NamedGroups.Name(group)} twice (RFC 8446 §4.2.8)");
            }
            shares.Add(new KeyShareEntry(group, key));
        }
        return shares;
    }

    /// <summary>Writes KeyShareClientHello: client_shares, one KeyShareEntry per share.</summary>
    public static void WriteClientHello(TlsWriter w, IList<KeyShare> shares)
    {
        int at = w.BeginVector16();
        for (int i = 0; i < shares.Count; i++) WriteEntry(w, shares[i].Group, shares[i].PublicKey);
        w.EndVector16(at);
    }

    private static void WriteEntry(TlsWriter w, NamedGroup group, ReadOnlySpan<byte> key)
    {
        w.WriteU16((ushort)group);
        w.WriteVector16(key);
    }

    /// <summary>KeyShareServerHello: one KeyShareEntry.</summary>
    public static KeyShareEntry ParseServerHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ServerHello.key_share");
        var group = (NamedGroup)r.ReadU16("group");
        var key = MemorySlice.Within(data, r.ReadVector16("key_exchange", 1));
        r.ExpectEnd();
        return new KeyShareEntry(group, key);
    }

    public static void WriteServerHello(TlsWriter w, NamedGroup group, ReadOnlySpan<byte> key) => WriteEntry(w, group, key);

    /// <summary>KeyShareHelloRetryRequest: selected_group.</summary>
    public static NamedGroup ParseHelloRetryRequest(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "HelloRetryRequest.key_share");
        var group = (NamedGroup)r.ReadU16("selected_group");
        r.ExpectEnd();
        return group;
    }

    public static void WriteHelloRetryRequest(TlsWriter w, NamedGroup group) => w.WriteU16((ushort)group);
}
