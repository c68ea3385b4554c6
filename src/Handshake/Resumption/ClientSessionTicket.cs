using System.Collections.Concurrent;
using TlsEngine.Crypto;

namespace TlsEngine;

/// <summary>
/// A ticket a client received (RFC 8446 §4.6.1) with what it needs to resume: the PSK, its hash (through the
/// suite), the age obfuscation, when it was received, and the server's identity from the original handshake.
/// </summary>
public sealed class ClientSessionTicket
{
    internal ClientSessionTicket(byte[] ticket, byte[] psk, CipherSuite suite, uint ageAdd, TimeSpan lifetime, DateTimeOffset received,
        string serverName, PeerIdentity serverIdentity, string? applicationProtocol)
    {
        Ticket = ticket;
        Psk = psk;
        Suite = suite;
        AgeAdd = ageAdd;
        Lifetime = lifetime;
        Received = received;
        ServerName = serverName;
        ServerIdentity = serverIdentity;
        ApplicationProtocol = applicationProtocol;
    }

    internal byte[] Ticket { get; }
    internal byte[] Psk { get; }
    public CipherSuite Suite { get; }
    internal uint AgeAdd { get; }
    public TimeSpan Lifetime { get; }
    public DateTimeOffset Received { get; }
    public string ServerName { get; }
    public PeerIdentity ServerIdentity { get; }
    public string? ApplicationProtocol { get; }

    /// <summary>A ticket is usable within its lifetime (at most 7 days, RFC 8446 §4.6.1) and while the server certificate is valid.</summary>
    public bool IsUsable(DateTimeOffset now) =>
        now - Received < Lifetime && now - Received < TimeSpan.FromDays(7) && now < ServerIdentity.Certificate.NotAfter;
}

/// <summary>Where a client keeps tickets between connections, keyed by server name. Implementations must be thread-safe.</summary>
public interface ISessionTicketStore
{
    void Add(ClientSessionTicket ticket);

    /// <summary>Removes and returns a usable ticket for <paramref name="serverName"/> (tickets are single-use), or null.</summary>
    ClientSessionTicket? Take(string serverName, DateTimeOffset now);
}

/// <summary>An in-memory <see cref="ISessionTicketStore"/> holding a few tickets per server name, bounded in total.</summary>
public sealed class SessionTicketCache(int maxServers = 1000, int maxTicketsPerServer = 4) : ISessionTicketStore
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ClientSessionTicket>> _tickets = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _tickets.Values.Sum(q => q.Count);

    public void Add(ClientSessionTicket ticket)
    {
        if (!_tickets.ContainsKey(ticket.ServerName) && _tickets.Count >= maxServers)
        {
            foreach (var key in _tickets.Keys.Take(Math.Max(1, maxServers / 10))) _tickets.TryRemove(key, out _);
        }
        var queue = _tickets.GetOrAdd(ticket.ServerName, _ => new ConcurrentQueue<ClientSessionTicket>());
        queue.Enqueue(ticket);
        while (queue.Count > maxTicketsPerServer) queue.TryDequeue(out _);
    }

    public ClientSessionTicket? Take(string serverName, DateTimeOffset now)
    {
        if (!_tickets.TryGetValue(serverName, out var queue)) return null;
        while (queue.TryDequeue(out var t))
        {
            if (t.IsUsable(now)) return t;
        }
        return null;
    }
}
