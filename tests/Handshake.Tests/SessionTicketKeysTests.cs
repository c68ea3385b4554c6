namespace TlsEngine.Tests;

/// <summary>Sealing and opening stateless session tickets (RFC 8446 §4.6.1) with <see cref="SessionTicketKeys"/>.</summary>
public class SessionTicketKeysTests
{
    private const int NonceAt = 16; // after the 16-byte key name
    private const int NonceLength = 12;

    [Fact]
    public void EachTicketHasAFreshRandomNonce()
    {
        using var keys = SessionTicketKeys.CreateRandom();
        byte[] plaintext = [1, 2, 3, 4, 5];
        var tickets = new List<byte[]>();
        var written = new bool[NonceLength];
        for (int i = 0; i < 8; i++)
        {
            var ticket = keys.Seal(plaintext)!;
            for (int j = 0; j < NonceLength; j++) written[j] |= ticket[NonceAt + j] != 0;
            Assert.DoesNotContain(tickets, t => t.AsSpan(NonceAt, NonceLength).SequenceEqual(ticket.AsSpan(NonceAt, NonceLength)));
            tickets.Add(ticket);
        }
        Assert.All(written, Assert.True);
        Assert.All(tickets, t => Assert.Equal(plaintext, keys.Open(t)));
    }

    [Fact]
    public async Task ConcurrentSealsAndOpensEachOpenToWhatWasSealed()
    {
        // One instance serves every connection of a server; each key's context is shared between callers.
        using var keys = SessionTicketKeys.CreateRandom();
        using var start = new Barrier(4);
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() =>
        {
            var random = new Random(t);
            start.SignalAndWait();
            for (int i = 0; i < 2000; i++)
            {
                var plaintext = new byte[1 + random.Next(300)];
                random.NextBytes(plaintext);
                var ticket = keys.Seal(plaintext)!;
                Assert.Equal(plaintext, keys.Open(ticket));
            }
        }, TaskCreationOptions.LongRunning));
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void ATicketStillOpensAfterManySealsAndAFailedOpen()
    {
        using var keys = SessionTicketKeys.CreateRandom();
        byte[] first = [7, 8, 9];
        var ticket = keys.Seal(first)!;
        for (int i = 0; i < 10_000; i++) keys.Seal(BitConverter.GetBytes(i));
        var tampered = (byte[])ticket.Clone();
        tampered[^1] ^= 1;
        Assert.Null(keys.Open(tampered));
        Assert.Equal(first, keys.Open(ticket));
        Assert.Equal(first, keys.Open(ticket));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DisposedKeysNeitherSealNorOpen(bool fromSecret)
    {
        // After Dispose a derived key would come from a zeroed secret, a predictable key: nothing is sealed or opened.
        var keys = fromSecret ? SessionTicketKeys.FromSecret(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) : SessionTicketKeys.CreateRandom();
        byte[] plaintext = [1, 2, 3];
        var ticket = keys.Seal(plaintext)!;
        Assert.Equal(plaintext, keys.Open(ticket));
        keys.Dispose();
        Assert.Null(keys.Seal(plaintext));
        Assert.Null(keys.Open(ticket));
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch.AddDays(20000);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RotationKeepsThePreviousKeyAndDropsTheOneBefore(bool fromSecret)
    {
        var clock = new Clock();
        var interval = TimeSpan.FromMinutes(1);
        using var keys = fromSecret
            ? SessionTicketKeys.FromSecret(new byte[32], interval, clock)
            : SessionTicketKeys.CreateRandom(interval, clock);
        byte[] plaintext = [1, 2, 3];
        var old = keys.Seal(plaintext)!;
        clock.Now += interval;
        var previous = keys.Seal(plaintext)!;
        Assert.Equal(plaintext, keys.Open(old));
        clock.Now += interval;
        var current = keys.Seal(plaintext)!;
        Assert.Null(keys.Open(old));
        Assert.Equal(plaintext, keys.Open(previous));
        Assert.Equal(plaintext, keys.Open(current));
    }
}
