namespace TlsEngine.Fuzz.Tests;

/// <summary>
/// Replays fuzz/corpus/TARGET/* and fuzz/regressions/TARGET/* through each target's harness without AFL. The harness is
/// the oracle: only the engine's typed errors are caught inside it, so any escaping exception fails the test, and an
/// input that runs longer than the timeout is a hang.
/// </summary>
public class ReplayTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string, string, string> Inputs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string kind in new[] { "corpus", "regressions" })
        {
            string root = Path.Combine(AppContext.BaseDirectory, kind);
            if (!Directory.Exists(root)) continue;
            foreach (string dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                foreach (string file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                    data.Add(kind, Path.GetFileName(dir), Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task InputPassesItsHarness(string kind, string target, string file)
    {
        Assert.True(FuzzTargets.All.TryGetValue(target, out var harness), $"{kind}/{target} is not a fuzz target");
        byte[] input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, kind, target, file));
        var run = Task.Factory.StartNew(() => harness(input), TaskCreationOptions.LongRunning);
        var first = await Task.WhenAny(run, Task.Delay(s_timeout));
        Assert.True(first == run, $"{kind}/{target}/{file} ran longer than {s_timeout.TotalSeconds} s");
        await run;
    }

    [Fact]
    public void EveryTargetHasSeeds()
    {
        foreach (string target in FuzzTargets.All.Keys)
        {
            string dir = Path.Combine(AppContext.BaseDirectory, "corpus", target);
            Assert.True(Directory.Exists(dir) && Directory.GetFiles(dir).Length > 0, $"fuzz/corpus/{target} has no seeds");
        }
    }
}
