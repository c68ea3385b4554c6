using TlsEngine.Codec;

namespace TlsEngine.Extensions;

/// <summary>supported_versions (RFC 8446 §4.2.1).</summary>
internal static class SupportedVersionsExtension
{
    public const ushort Tls13 = 0x0304;
    public const ushort Tls12 = 0x0303;

    /// <summary>ClientHello form: ProtocolVersion versions&lt;2..254&gt;.</summary>
    public static List<ushort> ParseClientHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ClientHello.supported_versions");
        var list = r.ReadList8("versions", 2, 254);
        r.ExpectEnd();
        var versions = new List<ushort>();
        while (!list.IsEmpty) versions.Add(list.ReadU16("version"));
        return versions;
    }

    public static ReadOnlySpan<byte> ClientHelloData => [2, 0x03, 0x04];

    /// <summary>ServerHello / HelloRetryRequest form: selected_version.</summary>
    public static ushort ParseServerHello(ReadOnlyMemory<byte> data, bool helloRetryRequest)
    {
        var r = new TlsReader(data.Span, helloRetryRequest ? "HelloRetryRequest.supported_versions" : "ServerHello.supported_versions");
        ushort v = r.ReadU16("selected_version");
        r.ExpectEnd();
        return v;
    }

    public static ReadOnlySpan<byte> ServerHelloData => [0x03, 0x04];
}
