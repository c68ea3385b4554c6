using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Tests.Support;

/// <summary>A record as sent on the wire: header type and the whole record bytes.</summary>
public sealed record WireRecord(ContentType Type, byte[] Bytes)
{
    public static List<WireRecord> Split(ReadOnlySpan<byte> bytes)
    {
        var list = new List<WireRecord>();
        int i = 0;
        while (i + 5 <= bytes.Length)
        {
            int len = (bytes[i + 3] << 8) | bytes[i + 4];
            list.Add(new WireRecord((ContentType)bytes[i], bytes.Slice(i, 5 + len).ToArray()));
            i += 5 + len;
        }
        return list;
    }

    public static byte[] Plaintext(ContentType type, ReadOnlySpan<byte> body, ushort version = 0x0303) =>
        [(byte)type, (byte)(version >> 8), (byte)version, (byte)(body.Length >> 8), (byte)body.Length, .. body];
}

/// <summary>
/// Captures real flights between our client and server and lets a test change one message before the peer sees it.
/// Protected flights are decrypted with the traffic secrets from the key log and re-encrypted after the change, so
/// the peer checks exactly the message the test broke.
/// </summary>
public sealed class Flights
{
    private readonly Dictionary<string, byte[]> _serverSecrets = [];
    private readonly Dictionary<string, byte[]> _clientSecrets = [];

    public Flights(Action<TlsClientOptions, TlsServerOptions>? configure = null)
    {
        var (c, s) = Loopback.MutualOptions();
        configure?.Invoke(c, s);
        c.KeyLog = line => Keep(_clientSecrets, line);
        s.KeyLog = line => Keep(_serverSecrets, line);
        ClientOptions = c;
        ServerOptions = s;
        Client = TlsConnection.CreateClient(c);
        Server = TlsConnection.CreateServer(s);
    }

    public TlsClientOptions ClientOptions { get; }
    public TlsServerOptions ServerOptions { get; }
    public TlsConnection Client { get; }
    public TlsConnection Server { get; }

    private static void Keep(Dictionary<string, byte[]> d, string line)
    {
        var parts = line.Split(' ');
        d[parts[0]] = Convert.FromHexString(parts[2]);
    }

    /// <summary>The client's first flight (ClientHello record, then its change_cipher_spec).</summary>
    public List<WireRecord> ClientHello()
    {
        var w = new ArrayBufferWriter<byte>();
        Client.Start(w);
        return WireRecord.Split(w.WrittenSpan);
    }

    /// <summary>Feeds records to the server and returns what it sent back.</summary>
    public List<WireRecord> ToServer(IEnumerable<WireRecord> records) => Feed(Server, records);

    public List<WireRecord> ToClient(IEnumerable<WireRecord> records) => Feed(Client, records);

    public static List<WireRecord> Feed(TlsConnection target, IEnumerable<WireRecord> records)
    {
        var input = records.SelectMany(r => r.Bytes).ToArray();
        var transmit = new ArrayBufferWriter<byte>();
        target.Process(input, transmit, new ArrayBufferWriter<byte>(), out int consumed);
        Assert.Equal(input.Length, consumed);
        return WireRecord.Split(transmit.WrittenSpan);
    }

    /// <summary>Runs the client's first flight through the server: returns the server's whole first flight.</summary>
    public List<WireRecord> ServerFlight() => ToServer(ClientHello());

    /// <summary>Decrypts the protected records of a flight with a handshake traffic secret and splits the messages.</summary>
    public List<byte[]> OpenHandshake(IEnumerable<WireRecord> records, bool fromServer)
    {
        var secret = fromServer ? _serverSecrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"] : _clientSecrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"];
        using var protection = Protection(secret);
        var data = new List<byte>();
        foreach (var r in records.Where(r => r.Type == ContentType.ApplicationData))
        {
            var plain = new byte[r.Bytes.Length];
            int n = protection.Open(r.Bytes.AsSpan(0, 5), r.Bytes.AsSpan(5), plain, RecordHeader.MaxInnerPlaintextLength, out var type);
            Assert.Equal(ContentType.Handshake, type);
            data.AddRange(plain[..n]);
        }
        return SplitMessages(data.ToArray());
    }

    /// <summary>Encrypts handshake messages (or any content) as one record under a handshake traffic secret, sequence 0.</summary>
    public WireRecord SealHandshake(IEnumerable<byte[]> messages, bool fromServer, ContentType type = ContentType.Handshake, int padding = 0)
    {
        var secret = fromServer ? _serverSecrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"] : _clientSecrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"];
        using var protection = Protection(secret);
        var content = messages.SelectMany(m => m).ToArray();
        var record = new byte[RecordProtection.SealedLength(content.Length, padding)];
        protection.Seal(type, content, padding, record);
        return new WireRecord(ContentType.ApplicationData, record);
    }

    private RecordProtection Protection(byte[] secret)
    {
        var suite = Server.CipherSuite ?? Client.CipherSuite ?? CipherSuite.TLS_AES_128_GCM_SHA256;
        using var keys = new TlsKeySchedule(suite);
        return keys.CreateProtection(secret);
    }

    public static List<byte[]> SplitMessages(byte[] data)
    {
        var list = new List<byte[]>();
        int i = 0;
        while (i + 4 <= data.Length)
        {
            int len = (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
            list.Add(data[i..(i + 4 + len)]);
            i += 4 + len;
        }
        return list;
    }

    public static HandshakeType TypeOf(byte[] message) => (HandshakeType)message[0];

    /// <summary>Rebuilds a handshake message from a type and body.</summary>
    public static byte[] Message(HandshakeType type, ReadOnlySpan<byte> body) =>
        [(byte)type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];
}
