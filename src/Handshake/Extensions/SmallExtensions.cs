using TlsEngine.Codec;
using TlsEngine.Record;

namespace TlsEngine.Extensions;

/// <summary>cookie (RFC 8446 §4.2.2): opaque cookie&lt;1..2^16-1&gt;.</summary>
internal static class CookieExtension
{
    public static byte[] Parse(ReadOnlyMemory<byte> data, string context)
    {
        var r = new TlsReader(data.Span, context);
        var c = r.ReadVector16("cookie", 1).ToArray();
        r.ExpectEnd();
        return c;
    }

    public static void Write(TlsWriter w, ReadOnlySpan<byte> cookie) => w.WriteVector16(cookie);
}

/// <summary>record_size_limit (RFC 8449 §4): uint16 RecordSizeLimit, at least 64.</summary>
internal static class RecordSizeLimitExtension
{
    public static int Parse(ReadOnlyMemory<byte> data, string context)
    {
        var r = new TlsReader(data.Span, context);
        int v = r.ReadU16("RecordSizeLimit");
        r.ExpectEnd();
        if (v < 64)
            throw TlsAlert.IllegalParameter($"{context} is {v}, below the minimum of 64 (RFC 8449 §4)");
        return v;
    }

    public static void Write(TlsWriter w, int limit) => w.WriteU16((ushort)limit);
}

/// <summary>psk_key_exchange_modes (RFC 8446 §4.2.9): PskKeyExchangeMode ke_modes&lt;1..255&gt;.</summary>
internal static class PskKeyExchangeModesExtension
{
    public const byte PskKe = 0;
    public const byte PskDheKe = 1;

    /// <summary>ke_modes with psk_dhe_ke only.</summary>
    public static ReadOnlySpan<byte> DheOnly => [1, PskDheKe];

    public static byte[] Parse(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ClientHello.psk_key_exchange_modes");
        var modes = r.ReadVector8("ke_modes", 1).ToArray();
        r.ExpectEnd();
        return modes;
    }
}

/// <summary>certificate_authorities (RFC 8446 §4.2.4): DistinguishedName authorities&lt;3..2^16-1&gt;, each &lt;1..2^16-1&gt;.</summary>
internal static class CertificateAuthoritiesExtension
{
    public static List<byte[]> Parse(ReadOnlyMemory<byte> data, string context)
    {
        var r = new TlsReader(data.Span, context);
        var list = r.ReadList16("authorities", 3);
        r.ExpectEnd();
        var names = new List<byte[]>();
        while (!list.IsEmpty) names.Add(list.ReadVector16("DistinguishedName", 1).ToArray());
        return names;
    }

    // A trust store is immutable: its anchors' names are encoded once, not per CertificateRequest.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509.TrustStore, byte[]?> ByStore = new();

    /// <summary>
    /// The extension_data naming <paramref name="store"/>'s anchors (their subjects), or null when the store is empty or
    /// the names would take more than 16 KiB (then the extension is left out rather than bloat every CertificateRequest).
    /// </summary>
    public static byte[]? ForAnchors(X509.TrustStore store) =>
        ByStore.TryGetValue(store, out var encoded) ? encoded : ByStore.GetValue(store, Encode);

    private static byte[]? Encode(X509.TrustStore store)
    {
        var anchors = store.Anchors;
        int size = 0;
        for (int i = 0; i < anchors.Count; i++) size += anchors[i].Subject.RawData.Length + 2;
        if (anchors.Count == 0 || size > 16 * 1024) return null;
        using var w = new TlsWriter();
        int at = w.BeginVector16();
        for (int i = 0; i < anchors.Count; i++) w.WriteVector16(anchors[i].Subject.RawData.Span);
        w.EndVector16(at);
        return w.ToArray();
    }
}
