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
            var ticket = keys.Seal(plaintext);
            for (int j = 0; j < NonceLength; j++) written[j] |= ticket[NonceAt + j] != 0;
            Assert.DoesNotContain(tickets, t => t.AsSpan(NonceAt, NonceLength).SequenceEqual(ticket.AsSpan(NonceAt, NonceLength)));
            tickets.Add(ticket);
        }
        Assert.All(written, Assert.True);
        Assert.All(tickets, t => Assert.Equal(plaintext, keys.Open(t)));
    }
}
