using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.X509;

namespace TlsEngine.Messages;

/// <summary>ServerHello and HelloRetryRequest, which share one structure (RFC 8446 §4.1.3, §4.1.4).</summary>
internal sealed class ServerHello
{
    /// <summary>SHA-256("HelloRetryRequest"), the Random that marks a HelloRetryRequest (RFC 8446 §4.1.3).</summary>
    public static ReadOnlySpan<byte> HelloRetryRequestRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    public ushort LegacyVersion { get; init; } = 0x0303;
    // Slices of the parsed message (copies when it was parsed without its owner), valid while the message is.
    public required ReadOnlyMemory<byte> Random { get; init; }
    public required ReadOnlyMemory<byte> LegacySessionIdEcho { get; init; }
    public required CipherSuite CipherSuite { get; init; }
    public byte LegacyCompressionMethod { get; init; }
    public required ExtensionList Extensions { get; init; }

    public bool IsHelloRetryRequest => Random.Span.SequenceEqual(HelloRetryRequestRandom);

    /// <summary>Parses a ServerHello body; the Random decides which extension rules apply (SH or HRR).</summary>
    /// <remarks>When <c>owner</c> (the whole handshake message, unchanged for as long as the result is used) holds the body, the Random, the session id echo and extension data are sliced from it instead of copied.</remarks>
    public static ServerHello Parse(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> owner = default)
    {
        var r = new TlsReader(body, "ServerHello");
        ushort version = r.ReadU16("legacy_version");
        var random = MemorySlice.Within(owner, r.ReadBytes(32, "random"));
        bool hrr = random.Span.SequenceEqual(HelloRetryRequestRandom);
        if (hrr) r = Rename(r, "HelloRetryRequest");
        var echo = MemorySlice.Within(owner, r.ReadVector8("legacy_session_id_echo", 0, 32));
        var suite = (CipherSuite)r.ReadU16("cipher_suite");
        byte compression = r.ReadU8("legacy_compression_method");
        var extensions = ExtensionList.Parse(ref r, hrr ? ExtensionContext.HelloRetryRequest : ExtensionContext.ServerHello, 6, owner: owner);
        r.ExpectEnd();
        return new ServerHello
        {
            LegacyVersion = version,
            Random = random,
            LegacySessionIdEcho = echo,
            CipherSuite = suite,
            LegacyCompressionMethod = compression,
            Extensions = extensions,
        };
    }

    private static TlsReader Rename(TlsReader r, string context) => new(r.ReadBytes(r.Remaining, "rest"), context);

    public void Write(TlsWriter w)
    {
        int at = WriteStart(w, LegacyVersion, Random.Span, LegacySessionIdEcho.Span, CipherSuite, LegacyCompressionMethod);
        ExtensionList.Write(w, Extensions.Items);
        w.EndVector24(at);
    }

    /// <summary>
    /// Writes the handshake header and the fields before the extensions (a HelloRetryRequest is a ServerHello with
    /// <see cref="HelloRetryRequestRandom"/>); the caller writes the extension block and ends the message with
    /// <c>w.EndVector24(at)</c> on the returned position.
    /// </summary>
    public static int WriteStart(TlsWriter w, ushort legacyVersion, ReadOnlySpan<byte> random, ReadOnlySpan<byte> legacySessionIdEcho,
        CipherSuite cipherSuite, byte legacyCompressionMethod = 0)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.ServerHello);
        w.WriteU16(legacyVersion);
        w.WriteBytes(random);
        w.WriteVector8(legacySessionIdEcho);
        w.WriteU16((ushort)cipherSuite);
        w.WriteU8(legacyCompressionMethod);
        return at;
    }
}
