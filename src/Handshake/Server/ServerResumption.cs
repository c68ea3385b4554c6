using System.Security.Cryptography;
using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.Resumption;
using TlsEngine.X509;

namespace TlsEngine.Server;

/// <summary>
/// A ticket the server accepted: which identity, the key schedule at its Early Secret (taken from the PSK for the binder,
/// RFC 8446 §7.1; the handshake continues it), and the client identity it carries.
/// </summary>
internal sealed record AcceptedPsk(ushort Index, TlsKeySchedule EarlyKeys, PeerIdentity? ClientIdentity);

/// <summary>
/// Server side of resumption (RFC 8446 §2.2, §4.2.11, §4.6.1): choosing a ticket from the ClientHello, checking its
/// age and binder, and issuing NewSessionTicket messages after a handshake.
/// </summary>
internal static class ServerResumption
{
    /// <summary>
    /// The PSKs a ClientHello offers, when this server issues tickets and the client allows psk_dhe_ke (a client that
    /// allows only psk_ke gets a full handshake, RFC 8446 §4.2.9); else null.
    /// </summary>
    public static OfferedPsks? Offered(ClientHello hello, TlsServerOptions options)
    {
        if (options.SessionTicketKeys is null) return null;
        var ext = hello.Extensions;
        if (ext.Find(ExtensionType.PreSharedKey) is not { } pskData) return null;
        if (ext.Find(ExtensionType.PskKeyExchangeModes) is not { } modes
            || !PskKeyExchangeModesExtension.Parse(modes).Contains(PskKeyExchangeModesExtension.PskDheKe))
            return null;
        return PreSharedKeyExtension.ParseClientHello(pskData);
    }

    /// <summary>
    /// Picks the first offered ticket this server can open that fits the suite's hash, is within its lifetime and age
    /// tolerance, and whose client identity still validates; then checks its binder against
    /// <paramref name="binderHash"/>, the transcript hash up to the binders list (a wrong binder aborts with
    /// decrypt_error). Returns null for a full handshake. Unknown tickets are ignored, as §4.2.11 says.
    /// </summary>
    public static AcceptedPsk? TryAccept(OfferedPsks offered, ReadOnlySpan<byte> binderHash, CipherSuite suite, TlsServerOptions options)
    {
        var keys = options.SessionTicketKeys!;
        var now = options.TimeProvider.GetUtcNow();
        for (int i = 0; i < offered.Identities.Count; i++)
        {
            var identity = offered.Identities[i];
            if (keys.Open(identity.Identity.Span) is not { } plain) continue;
            ServerTicket? ticket;
            PeerIdentity? clientIdentity;
            try
            {
                // The ticket's client chain is slices of the plaintext, read before it is cleared.
                ticket = ServerTicket.Decode(plain);
                if (ticket is null || CipherSuites.Hash(ticket.Suite) != CipherSuites.Hash(suite)) continue;
                if (!AgeAcceptable(ticket, identity.ObfuscatedTicketAge, now, options)) continue;
                if (!ClientIdentityStillValid(ticket, options, out clientIdentity)) continue;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
            // §4.2.11: validate the binder of the selected PSK only.
            var early = new TlsKeySchedule(suite, ticket.Psk);
            CryptographicOperations.ZeroMemory(ticket.Psk);
            try
            {
                VerifyBinder(early, offered.Binders[i], i, binderHash);
            }
            catch
            {
                early.Dispose();
                throw;
            }
            return new AcceptedPsk((ushort)i, early, clientIdentity);
        }
        return null;
    }

    /// <summary>
    /// The ticket is within its lifetime, and the client's view of its age (obfuscated_ticket_age − ticket_age_add,
    /// modulo 2^32, §4.2.11.1) is within the tolerance of the server's.
    /// </summary>
    private static bool AgeAcceptable(ServerTicket ticket, uint obfuscatedAge, DateTimeOffset now, TlsServerOptions options)
    {
        long serverAgeMs = now.ToUnixTimeMilliseconds() - ticket.IssuedUnixMs;
        if (serverAgeMs < -options.TicketAgeTolerance.TotalMilliseconds) return false;
        if (serverAgeMs > Math.Min(ticket.LifetimeSeconds, options.TicketLifetime.TotalSeconds) * 1000) return false;
        long clientAgeMs = unchecked((uint)(obfuscatedAge - ticket.AgeAdd));
        return Math.Abs(clientAgeMs - serverAgeMs) <= options.TicketAgeTolerance.TotalMilliseconds;
    }

    /// <summary>A resumed connection carries the original client identity, which must still validate now.</summary>
    private static bool ClientIdentityStillValid(ServerTicket ticket, TlsServerOptions options, out PeerIdentity? identity)
    {
        identity = null;
        if (ticket.ClientChain.Count == 0)
            return options.ClientAuthentication != ClientAuthenticationMode.Required;
        if (options.ClientAuthentication == ClientAuthenticationMode.None)
            return true;
        try
        {
            var entries = new List<CertificateEntry>(ticket.ClientChain.Count);
            for (int i = 0; i < ticket.ClientChain.Count; i++) entries.Add(new CertificateEntry(ticket.ClientChain[i], ExtensionList.Empty));
            var message = new CertificateMessage { Entries = entries };
            identity = CertificateAuthentication.ValidateChain(message, options, peerIsServer: false, expectedName: null);
            identity = CertificateAuthentication.Authorize(identity, options);
            return true;
        }
        catch (TlsAlertException)
        {
            // Expired, revoked or no longer trusted: fall back to a full handshake that reports the real reason.
            return false;
        }
    }

    private static void VerifyBinder(TlsKeySchedule early, ReadOnlySpan<byte> binder, int index, ReadOnlySpan<byte> binderHash)
    {
        var binderKey = early.BinderKey();
        Span<byte> expected = stackalloc byte[early.HashLength];
        early.FinishedVerifyData(binderKey, binderHash, expected);
        CryptographicOperations.ZeroMemory(binderKey);
        if (!CryptographicOperations.FixedTimeEquals(expected, binder))
            throw TlsAlert.DecryptError($"PSK binder {index} does not verify (RFC 8446 §4.2.11.2)");
    }

    /// <summary>
    /// NewSessionTicket messages after the handshake (§4.6.1): each PSK is derived from the resumption master secret
    /// and a per-ticket nonce; the ticket seals that PSK with the session state. Returns whole handshake messages.
    /// </summary>
    public static List<byte[]> IssueTickets(TlsServerOptions options, TlsKeySchedule keys, byte[] resumptionMaster, CipherSuite suite, PeerIdentity? client, string? alpn)
    {
        var messages = new List<byte[]>();
        if (options.SessionTicketKeys is not { } sealer) return messages;
        // The anchor is not stored: the chain is validated again, against the anchors of the day, on resumption.
        var chain = new List<ReadOnlyMemory<byte>>(client is null ? 0 : Math.Max(0, client.Chain.Count - 1));
        for (int i = 0; client is not null && i < client.Chain.Count - 1; i++) chain.Add(client.Chain[i].RawData);
        using var writer = new TlsWriter();
        Span<byte> random = stackalloc byte[4];
        for (int i = 0; i < options.TicketsPerHandshake; i++)
        {
            byte[] nonce = [(byte)i];
            var psk = keys.TicketPsk(resumptionMaster, nonce);
            options.Provider.FillRandom(random);
            uint ageAdd = BitConverter.ToUInt32(random);
            var state = new ServerTicket
            {
                Suite = suite,
                Psk = psk,
                IssuedUnixMs = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                LifetimeSeconds = (uint)options.TicketLifetime.TotalSeconds,
                AgeAdd = ageAdd,
                ApplicationProtocol = alpn,
                ClientChain = chain,
            }.Encode();
            var ticket = sealer.Seal(state);
            CryptographicOperations.ZeroMemory(state);
            CryptographicOperations.ZeroMemory(psk);
            // The application disposed the ticket keys: no more tickets.
            if (ticket is null) break;
            writer.Clear();
            new NewSessionTicket
            {
                Lifetime = (uint)options.TicketLifetime.TotalSeconds,
                AgeAdd = ageAdd,
                Nonce = nonce,
                Ticket = ticket,
                Extensions = ExtensionList.Empty,
            }.Write(writer);
            messages.Add(writer.ToArray());
        }
        return messages;
    }
}
