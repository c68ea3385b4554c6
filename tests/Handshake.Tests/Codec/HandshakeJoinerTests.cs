using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>
/// The joiner hands each message to its handler as a slice of its pooled buffer, cleared when released: a slice kept
/// past the handler reads zeros. Messages whose parts outlive the handler must be copied by it.
/// </summary>
public class HandshakeJoinerTests
{
    private static byte[] Message(HandshakeType type, int bodyLength, byte fill) =>
        [(byte)type, (byte)(bodyLength >> 16), (byte)(bodyLength >> 8), (byte)bodyLength, .. Enumerable.Repeat(fill, bodyLength)];

    [Fact]
    public void TakenMessageIsTheMessageAndIsClearedWhenReleased()
    {
        using var joiner = new HandshakeJoiner(1 << 16);
        var first = Message(HandshakeType.Finished, 32, 0xAB);
        var second = Message(HandshakeType.KeyUpdate, 1, 0x01);
        joiner.Add([.. first, .. second[..3]]);

        Assert.True(joiner.TryTake(out var type, out var message));
        Assert.Equal(HandshakeType.Finished, type);
        Assert.Equal(first, message.ToArray());
        // Only the second message's first bytes remain buffered while the first is handled.
        Assert.True(joiner.HasBufferedData);
        joiner.ReleaseTaken();
        Assert.True(message.Span.IndexOfAnyExcept((byte)0) < 0, "a released message must read as zeros");

        Assert.False(joiner.TryTake(out _, out _));
        joiner.Add(second[3..]);
        Assert.True(joiner.TryTake(out type, out message));
        Assert.Equal(HandshakeType.KeyUpdate, type);
        Assert.Equal(second, message.ToArray());
        Assert.False(joiner.HasBufferedData);
        joiner.ReleaseTaken();
        Assert.True(message.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void NothingMayBeTakenOrAddedWhileAMessageIsOut()
    {
        using var joiner = new HandshakeJoiner(1 << 16);
        joiner.Add([.. Message(HandshakeType.Finished, 4, 1), .. Message(HandshakeType.Finished, 4, 2)]);
        Assert.True(joiner.TryTake(out _, out _));
        Assert.Throws<InvalidOperationException>(() => joiner.TryTake(out _, out _));
        Assert.Throws<InvalidOperationException>(() => joiner.Add([1]));
        joiner.ReleaseTaken();
        Assert.True(joiner.TryTake(out _, out var next));
        Assert.Equal(2, next.Span[^1]);
        joiner.ReleaseTaken();
        joiner.ReleaseTaken(); // nothing out: no effect
    }

    [Fact]
    public void OversizedMessageIsRefusedFromItsHeader()
    {
        using var joiner = new HandshakeJoiner(100);
        joiner.Add(Message(HandshakeType.Certificate, 101, 0)[..4]);
        var e = Assert.Throws<TlsAlertException>(() => joiner.TryTake(out _, out _));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void PeerChainsAndTheCertificateRequestSurviveTheirMessagesRelease()
    {
        // Both Certificate messages are kept (as the peers' chains) and the CertificateRequest is read again when the
        // client answers it, after the joiner cleared their messages: they must have been copied.
        var (c, s) = Loopback.MutualOptions();
        using var loop = new Loopback(c, s);
        loop.Handshake();
        // The validated chains: the certificates sent, then the anchor.
        Assert.Equal(s.Certificate!.Chain.Select(x => x.RawData.ToArray()), loop.Client.PeerIdentity!.Chain.Take(s.Certificate.Chain.Count).Select(x => x.RawData.ToArray()));
        Assert.Equal(c.Certificate!.Chain.Select(x => x.RawData.ToArray()), loop.Server.PeerIdentity!.Chain.Take(c.Certificate.Chain.Count).Select(x => x.RawData.ToArray()));
        Assert.Equal("localhost", loop.Client.PeerIdentity.DnsNames.Single());
        Assert.Equal("spiffe://test.example/client", loop.Server.PeerIdentity.SpiffeId);
        Assert.NotNull(loop.Client.LocalSignatureScheme);
    }
}
