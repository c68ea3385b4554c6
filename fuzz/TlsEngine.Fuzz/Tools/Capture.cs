using System.Buffers;
using System.Net;
using System.Net.Sockets;
using TlsEngine.Fuzz.Support;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Tools;

/// <summary>
/// Records what an OpenSSL peer sends to our deterministic engine (the engine targets' exact setup), so the bytes
/// replay offline: our side's randomness, key shares and Ed25519 signatures are the same on every run.
/// </summary>
internal static class Capture
{
    public static int Client(int port, string file, string? corpus)
    {
        using var tcp = new TcpClient();
        tcp.Connect(IPAddress.Loopback, port);
        var options = EngineSetup.Client();
        var keyLog = new List<string>();
        options.KeyLog = keyLog.Add;
        using var connection = TlsConnection.CreateClient(options);
        var transmit = new ArrayBufferWriter<byte>();
        connection.Start(transmit);
        return Pump(tcp.GetStream(), connection, transmit, file, corpus, keyLog);
    }

    public static int Server(int port, string file, string? corpus)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        using var tcp = listener.AcceptTcpClient();
        listener.Stop();
        var options = EngineSetup.Server();
        var keyLog = new List<string>();
        options.KeyLog = keyLog.Add;
        using var connection = TlsConnection.CreateServer(options);
        return Pump(tcp.GetStream(), connection, new ArrayBufferWriter<byte>(), file, corpus, keyLog);
    }

    // Reads until the peer closes or is quiet for 2 s; answers each batch of application data with "pong", and sends
    // close_notify once the peer has sent data or closed.
    private static int Pump(NetworkStream stream, TlsConnection connection, ArrayBufferWriter<byte> transmit, string file, string? corpus, List<string> keyLog)
    {
        var received = new MemoryStream();
        var pending = new List<byte>();
        var plaintext = new ArrayBufferWriter<byte>();
        var buffer = new byte[65536];
        stream.ReadTimeout = 2000;
        int status = 0;
        try
        {
            while (true)
            {
                Flush(stream, transmit);
                int n = stream.Read(buffer);
                if (n == 0) break;
                received.Write(buffer, 0, n);
                pending.AddRange(buffer.AsSpan(0, n));
                connection.Process(pending.ToArray(), transmit, plaintext, out int consumed);
                pending.RemoveRange(0, consumed);
                if (plaintext.WrittenCount > 0)
                {
                    Console.Error.WriteLine($"received {plaintext.WrittenCount} bytes of application data");
                    plaintext.Clear();
                    connection.Encrypt("pong\n"u8, transmit);
                    connection.Close(transmit);
                }
            }
        }
        catch (IOException)
        {
            // Quiet for 2 s: done.
        }
        catch (TlsAlertException e)
        {
            Console.Error.WriteLine($"engine: {e.Message}");
            status = 1;
        }
        Flush(stream, transmit);
        File.WriteAllBytes(file, received.ToArray());
        if (corpus is not null)
            SeedWriter.SaveMessages(corpus, received.ToArray(), fromServer: !connection.IsServer, keyLog, connection.CipherSuite, inner: true);
        Console.Error.WriteLine($"{received.Length} bytes written to {file}; handshake complete: {connection.IsHandshakeComplete}");
        return status;
    }

    private static void Flush(NetworkStream stream, ArrayBufferWriter<byte> transmit)
    {
        if (transmit.WrittenCount == 0) return;
        try
        {
            stream.Write(transmit.WrittenSpan);
        }
        catch (IOException)
        {
        }
        transmit.Clear();
    }
}
