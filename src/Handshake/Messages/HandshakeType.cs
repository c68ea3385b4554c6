namespace TlsEngine.Messages;

/// <summary>Handshake message types (RFC 8446 §4).</summary>
public enum HandshakeType : byte
{
    ClientHello = 1,
    ServerHello = 2,
    NewSessionTicket = 4,
    EndOfEarlyData = 5,
    EncryptedExtensions = 8,
    Certificate = 11,
    CertificateRequest = 13,
    CertificateVerify = 15,
    Finished = 20,
    KeyUpdate = 24,
    MessageHash = 254,
}

/// <summary>The 4-byte Handshake header: msg_type and uint24 length (RFC 8446 §4).</summary>
internal static class HandshakeHeader
{
    public const int Size = 4;

    /// <summary>Writes the header for a body that the caller writes next; returns the position to patch with <c>EndVector24</c>.</summary>
    public static int Begin(Codec.TlsWriter w, HandshakeType type)
    {
        w.WriteU8((byte)type);
        return w.BeginVector24();
    }
}
