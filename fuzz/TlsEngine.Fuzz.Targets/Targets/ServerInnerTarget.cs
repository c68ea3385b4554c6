using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The server engine fed a client flight as plaintext records that the harness encrypts with the client's keys
/// (<see cref="SealingFeeder"/>): the fuzzer mutates the encrypted Certificate, CertificateVerify, Finished,
/// KeyUpdate and application data inside the state machine, not only the plaintext ClientHello.
/// </summary>
public static class ServerInnerTarget
{
    public static void Run(byte[] input)
    {
        var options = EngineSetup.Server();
        var feeder = new SealingFeeder(options, peerIsClient: true);
        using var server = TlsConnection.CreateServer(options);
        feeder.Feed(server, input);
    }
}
