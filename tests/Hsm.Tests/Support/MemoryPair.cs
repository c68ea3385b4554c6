using System.Buffers;

namespace TlsEngine.Hsm.Tests.Support;

/// <summary>
/// Runs a handshake between a client and a server <see cref="TlsConnection"/> in memory: each side's output is fed to
/// the other until both are quiet. A failure on either side surfaces as its TlsAlertException.
/// </summary>
public static class MemoryPair
{
    public static (TlsConnection Client, TlsConnection Server) Handshake(TlsClientOptions clientOptions, TlsServerOptions serverOptions)
    {
        var client = TlsConnection.CreateClient(clientOptions);
        var server = TlsConnection.CreateServer(serverOptions);
        var toServer = new ArrayBufferWriter<byte>();
        client.Start(toServer);
        byte[] pending = toServer.WrittenSpan.ToArray();
        bool towardsServer = true;
        for (int round = 0; round < 50 && pending.Length > 0; round++)
        {
            var target = towardsServer ? server : client;
            var transmit = new ArrayBufferWriter<byte>();
            var plaintext = new ArrayBufferWriter<byte>();
            int offset = 0;
            while (offset < pending.Length)
            {
                target.Process(pending.AsMemory(offset), transmit, plaintext, out int consumed);
                if (consumed == 0) break;
                offset += consumed;
            }
            pending = transmit.WrittenSpan.ToArray();
            towardsServer = !towardsServer;
        }
        Assert.True(client.IsHandshakeComplete, "client handshake incomplete");
        Assert.True(server.IsHandshakeComplete, "server handshake incomplete");
        return (client, server);
    }
}
