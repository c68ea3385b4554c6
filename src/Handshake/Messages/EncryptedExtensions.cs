using TlsEngine.Codec;
using TlsEngine.Extensions;

namespace TlsEngine.Messages;

/// <summary>EncryptedExtensions (RFC 8446 §4.3.1): Extension extensions&lt;0..2^16-1&gt;.</summary>
internal sealed class EncryptedExtensions
{
    public required ExtensionList Extensions { get; init; }

    /// <remarks>When <c>owner</c> (the whole handshake message, unchanged for as long as the result is used) holds the body, extension data is sliced from it instead of copied.</remarks>
    public static EncryptedExtensions Parse(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> owner = default)
    {
        var r = new TlsReader(body, "EncryptedExtensions");
        var ext = ExtensionList.Parse(ref r, ExtensionContext.EncryptedExtensions, owner: owner);
        r.ExpectEnd();
        return new EncryptedExtensions { Extensions = ext };
    }

    public void Write(TlsWriter w)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.EncryptedExtensions);
        ExtensionList.Write(w, Extensions.Items);
        w.EndVector24(at);
    }
}
