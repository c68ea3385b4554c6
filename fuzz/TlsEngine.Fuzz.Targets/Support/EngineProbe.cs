using System.Buffers;

namespace TlsEngine.Fuzz.Support;

/// <summary>Tells whether a recorded flight still takes the deterministic engine through the handshake (seed health).</summary>
public static class EngineProbe
{
    public static bool CompletesHandshake(byte[] input, bool server)
    {
        using var connection = server ? TlsConnection.CreateServer(EngineSetup.Server()) : TlsConnection.CreateClient(EngineSetup.Client());
        if (!server) connection.Start(new ArrayBufferWriter<byte>());
        EngineSetup.Feed(connection, input);
        return connection.IsHandshakeComplete || connection.Failure?.Alert == Record.AlertDescription.CloseNotify;
    }
}
