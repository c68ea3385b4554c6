using System.Text;
using TlsEngine.Codec;
using TlsEngine.Record;

namespace TlsEngine.Extensions;

/// <summary>application_layer_protocol_negotiation (RFC 7301 §3.1).</summary>
internal static class AlpnExtension
{
    /// <summary>ProtocolName protocol_name_list&lt;2..2^16-1&gt;, each ProtocolName&lt;1..2^8-1&gt;.</summary>
    public static List<byte[]> Parse(ReadOnlyMemory<byte> data, string context)
    {
        var r = new TlsReader(data.Span, context);
        var list = r.ReadList16("protocol_name_list", 2);
        r.ExpectEnd();
        var names = new List<byte[]>();
        while (!list.IsEmpty) names.Add(list.ReadVector8("ProtocolName", 1).ToArray());
        return names;
    }

    /// <summary>The server's answer must name exactly one protocol (RFC 7301 §3.1).</summary>
    public static string ParseServer(ReadOnlyMemory<byte> data)
    {
        var names = Parse(data, "EncryptedExtensions.application_layer_protocol_negotiation");
        if (names.Count != 1)
            throw TlsAlert.DecodeError("EncryptedExtensions ALPN must name exactly one protocol (RFC 7301 §3.1)");
        return Encoding.ASCII.GetString(names[0]);
    }

    /// <summary>Writes the extension_data: protocol_name_list of <paramref name="protocols"/>.</summary>
    public static void Write(TlsWriter w, IList<string> protocols)
    {
        int at = w.BeginVector16();
        // Indexed: options hold lists, and a foreach over the interface would box its enumerator.
        for (int i = 0; i < protocols.Count; i++)
        {
            int name = w.BeginVector8();
            w.WriteAscii(protocols[i]);
            w.EndVector8(name);
        }
        w.EndVector16(at);
    }
}
