using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The server engine (<see cref="TlsConnection.CreateServer"/> + Process) fed an arbitrary client byte stream: records
/// holding ClientHello, the client's encrypted flight and application data. Deterministic (see EngineSetup), so a
/// client flight recorded against this server decrypts and the fuzzer reaches client authentication and beyond.
/// </summary>
public static class ServerEngineTarget
{
    public static void Run(byte[] input)
    {
        using var server = TlsConnection.CreateServer(EngineSetup.Server());
        EngineSetup.Feed(server, input);
    }
}
