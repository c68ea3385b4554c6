using System.Buffers.Binary;
using System.Security.Cryptography;
using TlsEngine.Crypto;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Tools;

/// <summary>
/// Splits one direction of a recorded connection into its handshake messages, decrypting with the secrets our side
/// logged (SSLKEYLOGFILE lines): the message-decoder targets' seeds come from real flights this way.
/// </summary>
internal static class Splitter
{
    public static List<(HandshakeType Type, byte[] Body)> Messages(byte[] stream, bool fromServer, IReadOnlyList<string> keyLog, CipherSuite suite, List<byte[]>? records = null)
    {
        string prefix = fromServer ? "SERVER_" : "CLIENT_";
        var secrets = new Queue<byte[]>(new[] { "HANDSHAKE_TRAFFIC_SECRET", "TRAFFIC_SECRET_0" }
            .Select(l => keyLog.LastOrDefault(k => k.StartsWith(prefix + l + " ")))
            .Where(l => l is not null).Select(l => Convert.FromHexString(l!.Split(' ')[2])));
        var result = new List<(HandshakeType, byte[])>();
        var joined = new List<byte>();
        RecordProtection? keys = null;
        byte[]? secret = null;
        var plain = new byte[RecordHeader.MaxCiphertextLength];
        for (int at = 0; at + 5 <= stream.Length;)
        {
            var header = RecordHeader.Parse(stream.AsSpan(at, 5));
            var record = stream.AsSpan(at, 5 + header.Length);
            at += record.Length;
            ReadOnlySpan<byte> content = record[5..];
            var type = header.Type;
            if (type == ContentType.ApplicationData && keys is not null)
            {
                int n = keys.Open(record[..5], record[5..], plain, RecordHeader.MaxInnerPlaintextLength, out type);
                content = plain.AsSpan(0, n);
            }
            // As SealingFeeder input: [type][length][content]; bit 7 = a plaintext record after keys (change_cipher_spec).
            byte tag = (byte)((byte)type | (keys is not null && header.Type != ContentType.ApplicationData ? 0x80 : 0));
            records?.Add([tag, (byte)(content.Length >> 8), (byte)content.Length, .. content]);
            if (type != ContentType.Handshake) continue;
            joined.AddRange(content);
            while (joined.Count >= 4 && joined.Count >= 4 + (joined[1] << 16 | joined[2] << 8 | joined[3]))
            {
                int len = joined[1] << 16 | joined[2] << 8 | joined[3];
                var message = (HandshakeType)joined[0];
                var body = joined.Skip(4).Take(len).ToArray();
                joined.RemoveRange(0, 4 + len);
                result.Add((message, body));
                bool hrr = message == HandshakeType.ServerHello && body.AsSpan(2, 32).SequenceEqual(ServerHello.HelloRetryRequestRandom);
                bool next = message is HandshakeType.Finished || (message == HandshakeType.ServerHello && fromServer && !hrr)
                    || (message == HandshakeType.ClientHello && !fromServer && secret is null && IsLastHello(stream, at));
                if (message == HandshakeType.KeyUpdate && secret is not null)
                    secret = HkdfLabel.Expand(CipherSuites.Hash(suite), secret, "traffic upd"u8, [], secret.Length);
                else if (next && secrets.Count > 0) secret = secrets.Dequeue();
                else continue;
                keys?.Dispose();
                keys = Keys(suite, secret);
            }
        }
        keys?.Dispose();
        return result;
    }

    // A client's handshake keys start after its last ClientHello: the next record that is not plaintext handshake.
    private static bool IsLastHello(byte[] stream, int at)
    {
        for (; at + 5 <= stream.Length; at += 5 + BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(at + 3)))
        {
            if (stream[at] == (byte)ContentType.Handshake) return false;
            if (stream[at] == (byte)ContentType.ApplicationData) return true;
        }
        return true;
    }

    private static RecordProtection Keys(CipherSuite suite, byte[] secret)
    {
        var hash = CipherSuites.Hash(suite);
        var key = HkdfLabel.Expand(hash, secret, "key"u8, [], CipherSuites.KeyLength(suite));
        var iv = HkdfLabel.Expand(hash, secret, "iv"u8, [], 12);
        return new RecordProtection(suite, key, iv);
    }
}
