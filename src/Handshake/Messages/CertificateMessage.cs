using TlsEngine.Codec;
using TlsEngine.Extensions;
using TlsEngine.X509;

namespace TlsEngine.Messages;

/// <summary>A CertificateEntry: cert_data&lt;1..2^24-1&gt; and its extensions (RFC 8446 §4.4.2).</summary>
internal readonly record struct CertificateEntry(ReadOnlyMemory<byte> CertData, ExtensionList Extensions);

/// <summary>Certificate (RFC 8446 §4.4.2): certificate_request_context and CertificateEntry certificate_list&lt;0..2^24-1&gt;.</summary>
internal sealed class CertificateMessage
{
    public byte[] Context { get; init; } = [];
    public required List<CertificateEntry> Entries { get; init; }

    /// <summary>Parses a Certificate body; more than <paramref name="maxEntries"/> entries is refused with bad_certificate (DoS limit).</summary>
    /// <remarks>Each entry's cert_data is a slice of <paramref name="body"/>, not a copy.</remarks>
    public static CertificateMessage Parse(ReadOnlyMemory<byte> body, int maxEntries)
    {
        var r = new TlsReader(body.Span, "Certificate");
        var context = r.ReadVector8("certificate_request_context").ToArray();
        var list = r.ReadList24("certificate_list");
        r.ExpectEnd();
        // Counted first (up to the limit), so that the entries go into a list of the right size.
        int count = 0;
        for (var counter = list; !counter.IsEmpty && count <= maxEntries; count++)
        {
            counter.ReadVector24("cert_data", 1);
            counter.ReadVector16("extensions");
        }
        var entries = new List<CertificateEntry>(Math.Min(count, maxEntries));
        while (!list.IsEmpty)
        {
            if (entries.Count == maxEntries)
                throw new Record.TlsAlertException(Record.AlertDescription.BadCertificate,
                    $"Certificate holds more than {maxEntries} certificates (limit MaxCertificateChainLength)");
            var cert = MemorySlice.Within(body, list.ReadVector24("cert_data", 1));
            var ext = ExtensionList.Parse(ref list, ExtensionContext.Certificate, owner: body);
            entries.Add(new CertificateEntry(cert, ext));
        }
        return new CertificateMessage { Context = context, Entries = entries };
    }

    public void Write(TlsWriter w)
    {
        var at = WriteStart(w, Context);
        foreach (var e in Entries)
        {
            w.WriteVector24(e.CertData.Span);
            ExtensionList.Write(w, e.Extensions.Items);
        }
        WriteEnd(w, at);
    }

    /// <summary>
    /// Writes the handshake header and the context and opens certificate_list; the caller writes each entry (cert_data,
    /// then its extension block) and closes both with <see cref="WriteEnd"/>.
    /// </summary>
    public static (int Message, int List) WriteStart(TlsWriter w, ReadOnlySpan<byte> context)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.Certificate);
        w.WriteVector8(context);
        return (at, w.BeginVector24());
    }

    public static void WriteEnd(TlsWriter w, (int Message, int List) at)
    {
        w.EndVector24(at.List);
        w.EndVector24(at.Message);
    }
}
