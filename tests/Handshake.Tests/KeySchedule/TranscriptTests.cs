using System.Security.Cryptography;
using TlsEngine.KeySchedule;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>Messages added before the hash is known are buffered and hashed, in order, once it is (RFC 8446 §4.4.1).</summary>
public class TranscriptTests
{
    private static byte[] Message(int length, int seed)
    {
        var m = new byte[length];
        new Random(seed).NextBytes(m);
        return m;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void MessagesBufferedBeforeTheHashIsFixedAreHashedInOrder(int count)
    {
        // Sizes from 1 byte to 3000 so that the buffer must grow more than once.
        var messages = Enumerable.Range(0, count).Select(i => Message(1 + i * 75 % 3000, i)).ToList();
        using var t = new Transcript();
        foreach (var m in messages.Take(count - 1)) t.Add(m);
        Assert.False(t.HasHash);
        t.SetHash(HashAlgorithmName.SHA384);
        Assert.True(t.HasHash);
        t.Add(messages[^1]);
        var expected = SHA384.HashData(messages.SelectMany(m => m).ToArray());
        Assert.Equal(expected, t.CurrentHash());
    }

    [Fact]
    public void MessageHashReplacesTheBufferedClientHello()
    {
        var clientHello = Message(200, 1);
        using var t = new Transcript();
        t.Add(clientHello);
        t.SetHash(HashAlgorithmName.SHA256);
        t.ReplaceWithMessageHash();
        var expected = SHA256.HashData([0xFE, 0, 0, 32, .. SHA256.HashData(clientHello)]);
        Assert.Equal(expected, t.CurrentHash());
    }

    // A client offering a PSK hashes its first ClientHello tentatively, under the ticket's hash, for the binder.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATentativeHashIsKeptWhenTheServerSettlesOnItAndRedoneWhenNot(bool sameHash)
    {
        var prefix = Message(700, 2);
        var binders = Message(35, 3);
        var serverHello = Message(90, 4);
        using var t = new Transcript();
        var binderHash = new byte[32];
        Assert.Equal(32, t.AddAndHash(prefix, HashAlgorithmName.SHA256, binderHash));
        Assert.Equal(SHA256.HashData(prefix), binderHash);
        Assert.False(t.HasHash);
        t.Add(binders);
        var settled = sameHash ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384;
        t.SetHash(settled);
        t.Add(serverHello);
        byte[] all = [.. prefix, .. binders, .. serverHello];
        Assert.Equal(sameHash ? SHA256.HashData(all) : SHA384.HashData(all), t.CurrentHash());
    }

    [Fact]
    public void AddAndHashOnAFixedHashContinuesTheTranscript()
    {
        var first = Message(120, 5);
        var prefix = Message(300, 6);
        var rest = Message(40, 7);
        using var t = new Transcript();
        t.Add(first);
        t.SetHash(HashAlgorithmName.SHA384);
        var binderHash = new byte[48];
        t.AddAndHash(prefix, HashAlgorithmName.SHA384, binderHash);
        Assert.Equal(SHA384.HashData([.. first, .. prefix]), binderHash);
        t.Add(rest);
        Assert.Equal(SHA384.HashData([.. first, .. prefix, .. rest]), t.CurrentHash());
        Assert.Throws<InvalidOperationException>(() => t.AddAndHash(rest, HashAlgorithmName.SHA256, binderHash));
    }
}
