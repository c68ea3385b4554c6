using System.Buffers;
using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Tools;

/// <summary>
/// `inner-seeds CORPUSDIR`: turns the recorded flights of corpus/server and corpus/client into plaintext-record seeds
/// for server-inner and client-inner. Our side is deterministic, so replaying a flight logs the same secrets it had
/// when recorded, and those decrypt it.
/// </summary>
internal static class InnerSeeds
{
    public static void Write(string corpus)
    {
        foreach (bool server in new[] { true, false })
        {
            foreach (string file in Directory.GetFiles(Path.Combine(corpus, server ? "server" : "client")))
            {
                byte[] flight = File.ReadAllBytes(file);
                var keyLog = new List<string>();
                TlsOptions options = server ? EngineSetup.Server() : EngineSetup.Client();
                options.KeyLog = keyLog.Add;
                using var connection = server ? TlsConnection.CreateServer((TlsServerOptions)options) : TlsConnection.CreateClient((TlsClientOptions)options);
                if (!server) connection.Start(new ArrayBufferWriter<byte>());
                EngineSetup.Feed(connection, flight);
                if (connection.CipherSuite is { } suite)
                    SeedWriter.SaveInner(corpus, flight, fromServer: !server, keyLog, suite);
            }
        }
    }
}
