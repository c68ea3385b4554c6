using System.Runtime.InteropServices;
using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Tests.Support;
using TlsEngine.X509;

namespace TlsEngine.Tests;

/// <summary>Received extension data and PSK identities are slices of the handshake message, not copies; the rules of RFC 8446 §4.2 still apply.</summary>
public class ExtensionSliceTests
{
    private static byte[] ClientHelloMessage()
    {
        var (client, _) = Loopback.MutualOptions();
        using var connection = TlsConnection.CreateClient(client);
        var records = new System.Buffers.ArrayBufferWriter<byte>();
        connection.Start(records);
        // The first plaintext record holds the ClientHello (a change_cipher_spec record may follow).
        int length = (records.WrittenSpan[3] << 8) | records.WrittenSpan[4];
        return records.WrittenSpan.Slice(5, length).ToArray();
    }

    [Fact]
    public void ExtensionDataIsASliceOfTheMessageWhenTheOwnerIsGiven()
    {
        byte[] message = ClientHelloMessage();
        var hello = ClientHello.Parse(message.AsSpan(4), message);
        var keyShare = hello.Extensions.Find(ExtensionType.KeyShare)!.Value;
        Assert.True(MemoryMarshal.TryGetArray(keyShare, out var segment));
        Assert.Same(message, segment.Array);
        Assert.True(message.AsSpan(segment.Offset, segment.Count).SequenceEqual(keyShare.Span));
        Assert.Single(KeyShareExtension.ParseClientHello(keyShare), s => s.Group == NamedGroup.X25519);
    }

    [Fact]
    public void ExtensionDataIsACopyWithoutAnOwner()
    {
        byte[] message = ClientHelloMessage();
        var hello = ClientHello.Parse(message.AsSpan(4));
        var viaCopy = hello.Extensions.Find(ExtensionType.KeyShare)!.Value;
        Assert.True(MemoryMarshal.TryGetArray(viaCopy, out var segment));
        Assert.NotSame(message, segment.Array);
        // The same bytes either way.
        var sliced = ClientHello.Parse(message.AsSpan(4), message).Extensions.Find(ExtensionType.KeyShare)!.Value;
        Assert.True(viaCopy.Span.SequenceEqual(sliced.Span));
    }

    [Fact]
    public void APartOutsideTheOwnerIsCopied()
    {
        byte[] owner = [1, 2, 3, 4];
        byte[] other = [5, 6];
        var inside = MemorySlice.Within(owner, owner.AsSpan(1, 2));
        Assert.True(MemoryMarshal.TryGetArray(inside, out var a) && ReferenceEquals(a.Array, owner) && a.Offset == 1 && a.Count == 2);
        var outside = MemorySlice.Within(owner, other);
        Assert.True(MemoryMarshal.TryGetArray(outside, out var b) && !ReferenceEquals(b.Array, other) && !ReferenceEquals(b.Array, owner));
        Assert.Equal(other, outside.ToArray());
        Assert.True(MemorySlice.Within(default, other).Span.SequenceEqual(other));
    }
}
