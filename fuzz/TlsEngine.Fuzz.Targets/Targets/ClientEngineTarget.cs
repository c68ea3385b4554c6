using System.Buffers;
using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The client engine after its own (deterministic) ClientHello, fed an arbitrary server byte stream: ServerHello or
/// HelloRetryRequest, the encrypted server flight, then NewSessionTicket, KeyUpdate, application data, alerts.
/// </summary>
public static class ClientEngineTarget
{
    public static void Run(byte[] input)
    {
        using var client = TlsConnection.CreateClient(EngineSetup.Client());
        client.Start(new ArrayBufferWriter<byte>());
        EngineSetup.Feed(client, input);
    }
}
