using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Tests;

/// <summary>
/// The engine targets are deterministic so that recorded flights decrypt: if a change to the engine or to EngineSetup
/// breaks that, these fail and the flights must be recorded again (fuzz/README.md, "Seeds").
/// </summary>
public class EngineSeedTests
{
    [Theory]
    [InlineData("server")]
    [InlineData("client")]
    public void MostRecordedFlightsStillCompleteTheHandshake(string target)
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", target));
        int complete = files.Count(f => EngineProbe.CompletesHandshake(File.ReadAllBytes(f), server: target == "server"));
        Assert.True(complete * 2 > files.Length, $"only {complete} of {files.Length} fuzz/corpus/{target} seeds complete the handshake");
    }

    [Theory]
    [InlineData("server-inner")]
    [InlineData("client-inner")]
    public void MostPlaintextRecordSeedsCompleteTheHandshakeWhenSealedByTheHarness(string target)
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", target));
        int complete = files.Count(f => EngineProbe.CompletesHandshakeSealed(File.ReadAllBytes(f), server: target == "server-inner"));
        Assert.True(complete * 2 > files.Length, $"only {complete} of {files.Length} fuzz/corpus/{target} seeds complete the handshake");
    }
}
