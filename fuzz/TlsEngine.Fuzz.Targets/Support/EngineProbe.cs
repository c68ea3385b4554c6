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

    /// <summary>The same for a plaintext-record seed of server-inner or client-inner (<see cref="SealingFeeder"/>).</summary>
    public static bool CompletesHandshakeSealed(byte[] input, bool server)
    {
        TlsOptions options = server ? EngineSetup.Server() : EngineSetup.Client();
        var feeder = new SealingFeeder(options, peerIsClient: server);
        using var connection = server ? TlsConnection.CreateServer((TlsServerOptions)options) : TlsConnection.CreateClient((TlsClientOptions)options);
        if (!server) connection.Start(new ArrayBufferWriter<byte>());
        feeder.Feed(connection, input);
        return connection.IsHandshakeComplete;
    }
}
