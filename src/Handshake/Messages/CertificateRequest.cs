using TlsEngine.Codec;
using TlsEngine.Extensions;

namespace TlsEngine.Messages;

/// <summary>
/// CertificateRequest (RFC 8446 §4.3.2): certificate_request_context&lt;0..2^8-1&gt; and
/// Extension extensions&lt;2..2^16-1&gt;; signature_algorithms is mandatory (checked by the client state).
/// </summary>
internal sealed class CertificateRequest
{
    public byte[] Context { get; init; } = [];
    public required ExtensionList Extensions { get; init; }

    /// <remarks>When <c>owner</c> (the whole handshake message, unchanged for as long as the result is used) holds the body, extension data is sliced from it instead of copied.</remarks>
    public static CertificateRequest Parse(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> owner = default)
    {
        var r = new TlsReader(body, "CertificateRequest");
        var context = r.ReadVector8("certificate_request_context").ToArray();
        var ext = ExtensionList.Parse(ref r, ExtensionContext.CertificateRequest, 2, owner: owner);
        r.ExpectEnd();
        return new CertificateRequest { Context = context, Extensions = ext };
    }

    public void Write(TlsWriter w)
    {
        int at = WriteStart(w, Context);
        ExtensionList.Write(w, Extensions.Items);
        w.EndVector24(at);
    }

    /// <summary>Writes the handshake header and the context; the caller writes the extension block and ends the message with <c>w.EndVector24(at)</c>.</summary>
    public static int WriteStart(TlsWriter w, ReadOnlySpan<byte> context)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.CertificateRequest);
        w.WriteVector8(context);
        return at;
    }
}
