using System.Buffers;
using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The client engine after its ClientHello, fed a server flight as plaintext records that the harness encrypts with
/// the server's keys (<see cref="SealingFeeder"/>): EncryptedExtensions, CertificateRequest, Certificate,
/// CertificateVerify, Finished, NewSessionTicket and KeyUpdate are mutated inside the state machine.
/// </summary>
public static class ClientInnerTarget
{
    public static void Run(byte[] input)
    {
        var options = EngineSetup.Client();
        var feeder = new SealingFeeder(options, peerIsClient: false);
        using var client = TlsConnection.CreateClient(options);
        client.Start(new ArrayBufferWriter<byte>());
        feeder.Feed(client, input);
    }
}
