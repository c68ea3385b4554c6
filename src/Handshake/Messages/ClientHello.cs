using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Messages;

/// <summary>ClientHello (RFC 8446 §4.1.2).</summary>
internal sealed class ClientHello
{
    public ushort LegacyVersion { get; init; } = 0x0303;
    // A slice of the parsed message (a copy when it was parsed without its owner), valid while the message is.
    public required ReadOnlyMemory<byte> Random { get; init; }
    public byte[] LegacySessionId { get; init; } = [];
    public required CipherSuite[] CipherSuites { get; init; }
    public byte[] LegacyCompressionMethods { get; init; } = [0];
    public required ExtensionList Extensions { get; init; }

    /// <summary>Parses a ClientHello body (after the 4-byte handshake header).</summary>
    /// <remarks>When <c>owner</c> (the whole handshake message, unchanged for as long as the result is used) holds the body, the Random and extension data are sliced from it instead of copied.</remarks>
    public static ClientHello Parse(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> owner = default)
    {
        var r = new TlsReader(body, "ClientHello");
        ushort version = r.ReadU16("legacy_version");
        var random = MemorySlice.Within(owner, r.ReadBytes(32, "random"));
        var sessionId = r.ReadVector8("legacy_session_id", 0, 32).ToArray();
        var suites = r.ReadList16("cipher_suites", 2, 0xFFFE);
        if (suites.Remaining % 2 != 0)
            throw TlsAlert.DecodeError("ClientHello.cipher_suites has an odd length");
        var suiteList = new CipherSuite[suites.Remaining / 2];
        for (int i = 0; i < suiteList.Length; i++) suiteList[i] = (CipherSuite)suites.ReadU16("cipher_suite");
        var compressionBytes = r.ReadVector8("legacy_compression_methods", 1);
        // The only value TLS 1.3 allows (§4.1.2), shared; anything else is kept for the negotiation to refuse.
        var compression = compressionBytes is [0] ? s_nullCompression : compressionBytes.ToArray();
        // A ClientHello without extensions comes from a client of TLS 1.2 or older (RFC 8446 §4.1.2); the caller
        // answers it with protocol_version since supported_versions is then missing.
        var extensions = r.IsEmpty
            ? ExtensionList.Empty
            : ExtensionList.Parse(ref r, ExtensionContext.ClientHello, 0, 128, owner: owner);
        r.ExpectEnd();
        return new ClientHello
        {
            LegacyVersion = version,
            Random = random,
            LegacySessionId = sessionId,
            CipherSuites = suiteList,
            LegacyCompressionMethods = compression,
            Extensions = extensions,
        };
    }

    /// <summary>Writes the whole handshake message (header and body).</summary>
    public void Write(TlsWriter w)
    {
        int at = WriteStart(w, LegacyVersion, Random.Span, LegacySessionId, CipherSuites, LegacyCompressionMethods);
        ExtensionList.Write(w, Extensions.Items);
        w.EndVector24(at);
    }

    /// <summary>
    /// Writes the handshake header and the fields before the extensions; the caller writes the extension block and
    /// ends the message with <c>w.EndVector24(at)</c> on the returned position.
    /// </summary>
    public static int WriteStart(TlsWriter w, ushort legacyVersion, ReadOnlySpan<byte> random, ReadOnlySpan<byte> legacySessionId,
        IList<CipherSuite> cipherSuites, ReadOnlySpan<byte> legacyCompressionMethods)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.ClientHello);
        w.WriteU16(legacyVersion);
        w.WriteBytes(random);
        w.WriteVector8(legacySessionId);
        int cs = w.BeginVector16();
        for (int i = 0; i < cipherSuites.Count; i++) w.WriteU16((ushort)cipherSuites[i]);
        w.EndVector16(cs);
        w.WriteVector8(legacyCompressionMethods);
        return at;
    }

    /// <summary>legacy_compression_methods of a TLS 1.3 ClientHello: the null method only (RFC 8446 §4.1.2).</summary>
    public static ReadOnlySpan<byte> NullCompression => [0];

    // Never written to: the parsed value of every TLS 1.3 ClientHello.
    private static readonly byte[] s_nullCompression = [0];
}
