using System.Text;
using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Resumption;

/// <summary>
/// What a server remembers about a session inside its stateless ticket: suite, PSK, issue time, lifetime,
/// ticket_age_add, ALPN and the client's certificate chain (so a resumed connection carries the original client
/// identity). Encoded in the TLS presentation language, then sealed with <see cref="SessionTicketKeys"/>.
/// </summary>
internal sealed class ServerTicket
{
    private const byte Version = 1;

    public required CipherSuite Suite { get; init; }
    public required byte[] Psk { get; init; }
    public required long IssuedUnixMs { get; init; }
    public required uint LifetimeSeconds { get; init; }
    public required uint AgeAdd { get; init; }
    public string? ApplicationProtocol { get; init; }

    /// <summary>
    /// The client's presented certificates (leaf first), empty when it sent none. Encoding reads them where they are;
    /// decoding leaves them in the ticket plaintext (slices), so they are valid until the caller clears it: the chain
    /// validator copies the certificates it keeps.
    /// </summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> ClientChain { get; init; }

    public byte[] Encode()
    {
        using var w = new TlsWriter();
        w.WriteU8(Version);
        w.WriteU16((ushort)Suite);
        w.WriteU32((uint)(IssuedUnixMs >> 32));
        w.WriteU32((uint)IssuedUnixMs);
        w.WriteU32(LifetimeSeconds);
        w.WriteU32(AgeAdd);
        w.WriteVector8(Psk);
        w.WriteVector8(ApplicationProtocol is null ? [] : Encoding.ASCII.GetBytes(ApplicationProtocol));
        int list = w.BeginVector24();
        for (int i = 0; i < ClientChain.Count; i++) w.WriteVector24(ClientChain[i].Span);
        w.EndVector24(list);
        return w.ToArray();
    }

    /// <summary>Decodes a ticket this server sealed; null if the format is not ours (an old version).</summary>
    public static ServerTicket? Decode(ReadOnlyMemory<byte> data)
    {
        try
        {
            var r = new TlsReader(data.Span, "ticket");
            if (r.ReadU8("version") != Version) return null;
            var suite = (CipherSuite)r.ReadU16("suite");
            long issued = ((long)r.ReadU32("issued_hi") << 32) | r.ReadU32("issued_lo");
            uint lifetime = r.ReadU32("lifetime");
            uint ageAdd = r.ReadU32("age_add");
            var psk = r.ReadVector8("psk", 32, 64).ToArray();
            var alpn = r.ReadVector8("alpn");
            var chain = new List<ReadOnlyMemory<byte>>();
            var list = r.ReadList24("client_chain");
            while (!list.IsEmpty) chain.Add(MemorySlice.Within(data, list.ReadVector24("certificate", 1)));
            r.ExpectEnd();
            return new ServerTicket
            {
                Suite = suite,
                Psk = psk,
                IssuedUnixMs = issued,
                LifetimeSeconds = lifetime,
                AgeAdd = ageAdd,
                ApplicationProtocol = alpn.IsEmpty ? null : Encoding.ASCII.GetString(alpn),
                ClientChain = chain,
            };
        }
        catch (TlsAlertException)
        {
            return null;
        }
    }
}
