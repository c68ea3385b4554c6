using System.Buffers;
using System.Diagnostics;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests.BadInput;

/// <summary>
/// Thousands of randomly damaged flights, fed to both state machines: the only exception allowed out is
/// <see cref="TlsAlertException"/>, and every call returns promptly (no hang, no unbounded work).
/// </summary>
public class MutationTests
{
    private static byte[] Mutate(byte[] input, Random rng)
    {
        var data = input.ToList();
        int edits = rng.Next(1, 4);
        for (int i = 0; i < edits && data.Count > 0; i++)
        {
            int at = rng.Next(data.Count);
            switch (rng.Next(5))
            {
                case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[at] = (byte)rng.Next(256); break;
                case 2: data.RemoveRange(at, Math.Min(rng.Next(1, 16), data.Count - at)); break;
                case 3: data.InsertRange(at, Enumerable.Range(0, rng.Next(1, 8)).Select(_ => (byte)rng.Next(256))); break;
                default: data[at] = data[at] is 0 ? (byte)0xFF : (byte)0; break;
            }
        }
        return data.ToArray();
    }

    private static void FeedExpectingOnlyAlerts(TlsConnection target, byte[] input)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            target.Process(input, new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), out _);
        }
        catch (TlsAlertException)
        {
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "processing one damaged flight took over 5 s");
    }

    [Fact]
    public void DamagedClientHellosOnlyRaiseAlerts()
    {
        var rng = new Random(12345);
        var (c, s) = Loopback.MutualOptions();
        var hello = new Flights().ClientHello().SelectMany(r => r.Bytes).ToArray();
        for (int i = 0; i < 1500; i++)
        {
            using var server = TlsConnection.CreateServer(s);
            FeedExpectingOnlyAlerts(server, Mutate(hello, rng));
        }
    }

    [Fact]
    public void DamagedServerFlightsOnlyRaiseAlerts()
    {
        var rng = new Random(54321);
        for (int i = 0; i < 300; i++)
        {
            var f = new Flights();
            var flight = f.ServerFlight().SelectMany(r => r.Bytes).ToArray();
            FeedExpectingOnlyAlerts(f.Client, Mutate(flight, rng));
        }
    }

    [Fact]
    public void DamagedProtectedServerMessagesOnlyRaiseAlerts()
    {
        // Damage the plaintext messages and re-encrypt them, so the damage reaches the message parsers.
        var rng = new Random(777);
        for (int i = 0; i < 300; i++)
        {
            var f = new Flights();
            var flight = f.ServerFlight();
            var messages = f.OpenHandshake(flight.Skip(2), fromServer: true);
            var damaged = Mutate(messages.SelectMany(m => m).ToArray(), rng);
            var records = new List<WireRecord> { flight[0], flight[1], f.SealHandshake([damaged], fromServer: true) };
            FeedExpectingOnlyAlerts(f.Client, records.SelectMany(r => r.Bytes).ToArray());
        }
    }

    [Fact]
    public void DamagedProtectedClientMessagesOnlyRaiseAlerts()
    {
        var rng = new Random(999);
        for (int i = 0; i < 300; i++)
        {
            var f = new Flights();
            var messages = f.OpenHandshake(f.ToClient(f.ServerFlight()), fromServer: false);
            var damaged = Mutate(messages.SelectMany(m => m).ToArray(), rng);
            FeedExpectingOnlyAlerts(f.Server, f.SealHandshake([damaged], fromServer: false).Bytes);
        }
    }

    [Fact]
    public void RandomBytesOnlyRaiseAlerts()
    {
        var rng = new Random(4242);
        var (c, s) = Loopback.MutualOptions();
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[rng.Next(0, 300)];
            rng.NextBytes(bytes);
            if (bytes.Length > 0 && rng.Next(2) == 0) bytes[0] = (byte)rng.Next(20, 24);
            using var server = TlsConnection.CreateServer(s);
            FeedExpectingOnlyAlerts(server, bytes);
        }
    }

    [Fact]
    public void ByteAtATimeDeliveryCompletesTheHandshake()
    {
        var (c, s) = Loopback.MutualOptions();
        var client = TlsConnection.CreateClient(c);
        var server = TlsConnection.CreateServer(s);
        var toServer = new ArrayBufferWriter<byte>();
        client.Start(toServer);
        var pendingToServer = new List<byte>(toServer.WrittenSpan.ToArray());
        var pendingToClient = new List<byte>();
        for (int round = 0; round < 10 && !(client.IsHandshakeComplete && server.IsHandshakeComplete); round++)
        {
            Trickle(server, pendingToServer, pendingToClient);
            Trickle(client, pendingToClient, pendingToServer);
        }
        Assert.True(client.IsHandshakeComplete && server.IsHandshakeComplete);
    }

    /// <summary>Offers the pending bytes one byte longer each time: partial records must be left unconsumed.</summary>
    private static void Trickle(TlsConnection target, List<byte> incoming, List<byte> outgoing)
    {
        var transmit = new ArrayBufferWriter<byte>();
        var plaintext = new ArrayBufferWriter<byte>();
        for (int n = 1; n <= incoming.Count; n++)
        {
            target.Process(incoming.ToArray().AsMemory(0, n), transmit, plaintext, out int consumed);
            if (consumed > 0)
            {
                incoming.RemoveRange(0, consumed);
                n = 0;
            }
        }
        outgoing.AddRange(transmit.WrittenSpan.ToArray());
    }
}
