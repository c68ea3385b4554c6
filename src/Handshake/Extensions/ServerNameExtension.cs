using System.Text;
using TlsEngine.Codec;
using TlsEngine.Record;

namespace TlsEngine.Extensions;

/// <summary>server_name (RFC 6066 §3): a ServerNameList with at most one host_name.</summary>
internal static class ServerNameExtension
{
    /// <summary>Returns the host_name, or null when the list has none. A malformed name is a decode_error.</summary>
    public static string? ParseClientHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ClientHello.server_name");
        var list = r.ReadList16("server_name_list", 1);
        r.ExpectEnd();
        string? host = null;
        while (!list.IsEmpty)
        {
            byte nameType = list.ReadU8("name_type");
            var name = list.ReadVector16("host_name", 1);
            if (nameType != 0)
                continue;
            // RFC 6066 §3: "The ServerNameList MUST NOT contain more than one name of the same name_type."
            if (host is not null)
                throw TlsAlert.IllegalParameter("ClientHello.server_name lists two host_names (RFC 6066 §3)");
            foreach (byte b in name)
            {
                if (b is <= 0x20 or >= 0x7F)
                    throw TlsAlert.DecodeError("ClientHello.server_name host_name is not an ASCII DNS name");
            }
            // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName" and no trailing dot.
            if (name[^1] == (byte)'.')
                throw TlsAlert.DecodeError("ClientHello.server_name host_name ends with a dot (RFC 6066 §3)");
            host = Encoding.ASCII.GetString(name);
        }
        return host;
    }

    /// <summary>Writes a ServerNameList with one host_name (name_type 0).</summary>
    public static void WriteClientHello(TlsWriter w, string host)
    {
        int at = w.BeginVector16();
        w.WriteU8(0);
        int name = w.BeginVector16();
        w.WriteAscii(host);
        w.EndVector16(name);
        w.EndVector16(at);
    }
}
