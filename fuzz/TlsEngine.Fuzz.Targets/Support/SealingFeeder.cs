using System.Buffers;
using System.Buffers.Binary;
using TlsEngine.Crypto;
using TlsEngine.KeySchedule;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Support;

/// <summary>
/// Feeds an engine a peer flight given as plaintext records and encrypts them itself, with the peer's traffic secrets
/// that the deterministic engine logs (its KeyLog), so the fuzzer mutates the contents of encrypted handshake messages
/// and still passes AEAD authentication. Input: records as [type][length u16][content]; type bit 7 = send as a
/// plaintext record even when keys are installed. Keys switch as a peer's would: handshake keys once our side logs
/// them, application keys after a record holding Finished, the next generation after one holding KeyUpdate.
/// </summary>
public sealed class SealingFeeder
{
    private readonly List<string> _keyLog = [];
    private readonly string _peer;
    private RecordProtection? _seal;
    private byte[]? _secret;
    private bool _application;

    public SealingFeeder(TlsOptions options, bool peerIsClient)
    {
        options.KeyLog = _keyLog.Add;
        _peer = peerIsClient ? "CLIENT_" : "SERVER_";
    }

    public void Feed(TlsConnection connection, ReadOnlySpan<byte> input)
    {
        var records = new ArrayBufferWriter<byte>();
        while (input.Length >= 3)
        {
            byte type = input[0];
            int length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input[1..]), input.Length - 3);
            var content = input.Slice(3, length);
            input = input[(3 + length)..];
            if (_seal is null && Secret(_application ? "TRAFFIC_SECRET_0" : "HANDSHAKE_TRAFFIC_SECRET") is { } secret)
                Install(connection, secret);
            records.Clear();
            if (_seal is not null && type < 0x80 && content.Length <= RecordHeader.MaxPlaintextLength)
                records.Advance(_seal.Seal((ContentType)type, content, 0, records.GetSpan(RecordProtection.SealedLength(content.Length, 0))));
            else
                new RecordLayer().Write((ContentType)(type & 0x7F), content, records);
            EngineSetup.Feed(connection, records.WrittenMemory);
            if (connection.State == TlsConnectionState.Failed) return;
            if (_seal is not null && type == (byte)ContentType.Handshake) NextKeys(connection, content);
        }
    }

    private void NextKeys(TlsConnection connection, ReadOnlySpan<byte> messages)
    {
        for (int at = 0; at + 4 <= messages.Length; at += 4 + (messages[at + 1] << 16 | messages[at + 2] << 8 | messages[at + 3]))
        {
            if (messages[at] == 20 && !_application)
            {
                _application = true;
                _seal = null;
                if (Secret("TRAFFIC_SECRET_0") is { } next) Install(connection, next);
            }
            else if (messages[at] == 24 && _application && _secret is not null)
                Install(connection, HkdfLabel.Expand(CipherSuites.Hash(connection.CipherSuite!.Value), _secret, "traffic upd"u8, [], _secret.Length));
        }
    }

    private byte[]? Secret(string label) =>
        _keyLog.LastOrDefault(l => l.StartsWith(_peer + label + " ", StringComparison.Ordinal)) is { } line
            ? Convert.FromHexString(line.Split(' ')[2]) : null;

    private void Install(TlsConnection connection, byte[] secret)
    {
        var suite = connection.CipherSuite!.Value;
        var hash = CipherSuites.Hash(suite);
        _secret = secret;
        _seal?.Dispose();
        _seal = new RecordProtection(suite, HkdfLabel.Expand(hash, secret, "key"u8, [], CipherSuites.KeyLength(suite)),
            HkdfLabel.Expand(hash, secret, "iv"u8, [], 12));
    }
}
