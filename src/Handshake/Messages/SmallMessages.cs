using TlsEngine.Codec;
using TlsEngine.Extensions;
using TlsEngine.Record;

namespace TlsEngine.Messages;

/// <summary>Finished (RFC 8446 §4.4.4): verify_data[Hash.length].</summary>
internal static class Finished
{
    public static ReadOnlySpan<byte> Parse(ReadOnlySpan<byte> body, int hashLength)
    {
        if (body.Length != hashLength)
            throw TlsAlert.DecodeError($"Finished.verify_data is {body.Length} bytes; the hash length is {hashLength}");
        return body;
    }

    public static void Write(TlsWriter w, ReadOnlySpan<byte> verifyData)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.Finished);
        w.WriteBytes(verifyData);
        w.EndVector24(at);
    }
}

/// <summary>KeyUpdate (RFC 8446 §4.6.3): KeyUpdateRequest request_update, 0 or 1.</summary>
internal static class KeyUpdate
{
    public static bool Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body, "KeyUpdate");
        byte v = r.ReadU8("request_update");
        r.ExpectEnd();
        // §4.6.3: "If an implementation receives any other value, it MUST terminate the connection with an illegal_parameter alert."
        return v switch
        {
            0 => false,
            1 => true,
            _ => throw TlsAlert.IllegalParameter($"KeyUpdate.request_update is {v}; only 0 and 1 are defined"),
        };
    }

    public static void Write(TlsWriter w, bool updateRequested)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.KeyUpdate);
        w.WriteU8(updateRequested ? (byte)1 : (byte)0);
        w.EndVector24(at);
    }
}

/// <summary>NewSessionTicket (RFC 8446 §4.6.1).</summary>
internal sealed class NewSessionTicket
{
    public uint Lifetime { get; init; }
    public uint AgeAdd { get; init; }
    public byte[] Nonce { get; init; } = [];
    public required byte[] Ticket { get; init; }
    public required ExtensionList Extensions { get; init; }

    /// <remarks>When <c>owner</c> (the whole handshake message, unchanged for as long as the result is used) holds the body, extension data is sliced from it instead of copied.</remarks>
    public static NewSessionTicket Parse(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> owner = default)
    {
        var r = new TlsReader(body, "NewSessionTicket");
        uint lifetime = r.ReadU32("ticket_lifetime");
        uint ageAdd = r.ReadU32("ticket_age_add");
        var nonce = r.ReadVector8("ticket_nonce").ToArray();
        var ticket = r.ReadVector16("ticket", 1).ToArray();
        var ext = ExtensionList.Parse(ref r, ExtensionContext.NewSessionTicket, 0, owner: owner);
        r.ExpectEnd();
        // §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)."
        if (lifetime > 604800)
            throw TlsAlert.IllegalParameter($"NewSessionTicket.ticket_lifetime {lifetime} exceeds 7 days (RFC 8446 §4.6.1)");
        return new NewSessionTicket { Lifetime = lifetime, AgeAdd = ageAdd, Nonce = nonce, Ticket = ticket, Extensions = ext };
    }

    public void Write(TlsWriter w)
    {
        int at = HandshakeHeader.Begin(w, HandshakeType.NewSessionTicket);
        w.WriteU32(Lifetime);
        w.WriteU32(AgeAdd);
        w.WriteVector8(Nonce);
        w.WriteVector16(Ticket);
        ExtensionList.Write(w, Extensions.Items);
        w.EndVector24(at);
    }
}
