using TlsEngine.Codec;
using TlsEngine.Crypto;

namespace TlsEngine.Messages;

/// <summary>CertificateVerify (RFC 8446 §4.4.3): algorithm and signature&lt;0..2^16-1&gt;.</summary>
internal sealed class CertificateVerify
{
    public required SignatureScheme Algorithm { get; init; }
    public required byte[] Signature { get; init; }

    public const string ServerContext = "TLS 1.3, server CertificateVerify";
    public const string ClientContext = "TLS 1.3, client CertificateVerify";

    public static CertificateVerify Parse(ReadOnlySpan<byte> body)
    {
        var alg = Parse(body, out var signature);
        return new CertificateVerify { Algorithm = alg, Signature = signature.ToArray() };
    }

    /// <summary>Parses a CertificateVerify body without copying: the signature is a slice of <paramref name="body"/>.</summary>
    public static SignatureScheme Parse(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> signature)
    {
        var r = new TlsReader(body, "CertificateVerify");
        var alg = (SignatureScheme)r.ReadU16("algorithm");
        signature = r.ReadVector16("signature");
        r.ExpectEnd();
        return alg;
    }

    public void Write(TlsWriter w) => Write(w, Algorithm, Signature);

    public static void Write(TlsWriter w, SignatureScheme algorithm, ReadOnlySpan<byte> signature)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.CertificateVerify);
        w.WriteU16((ushort)algorithm);
        w.WriteVector16(signature);
        w.EndVector24(at);
    }

    /// <summary>
    /// The content that is signed (RFC 8446 §4.4.3): 64 octets of 0x20, the context string, a 0x00 separator,
    /// and the transcript hash.
    /// </summary>
    public static int WriteSignedContent(bool server, ReadOnlySpan<byte> transcriptHash, Span<byte> content)
    {
        var context = server ? ServerContext : ClientContext;
        int length = 64 + context.Length + 1 + transcriptHash.Length;
        content[..64].Fill(0x20);
        for (int i = 0; i < context.Length; i++) content[64 + i] = (byte)context[i];
        content[64 + context.Length] = 0;
        transcriptHash.CopyTo(content[(64 + context.Length + 1)..]);
        return length;
    }

    /// <summary>Room for the signed content with any context string and a hash of up to 64 bytes.</summary>
    public const int MaxSignedContentLength = 64 + 64 + 1 + 64;
}
