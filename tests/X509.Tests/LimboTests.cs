using TlsEngine.Cli;
using Xunit.Abstractions;

namespace TlsEngine.X509.Tests;

/// <summary>
/// The x509-limbo conformance gate: the whole suite (read in place from shared/testdata, never copied) runs through
/// <see cref="LimboRunner"/>, the harness behind <c>tlsengine x509 limbo</c>.
/// </summary>
public class LimboTests
{
    /// <summary>At most this many differing results (pyca/cryptography 48 gets 14 wrong on this suite).</summary>
    private const int MaxDifferences = 14;

    /// <summary>At most this many skipped cases (pyca/cryptography 48 skips 47).</summary>
    private const int MaxSkipped = 47;

    private static readonly Lazy<LimboRun> Suite = new(() => LimboRunner.RunFile(SuitePath()));

    private readonly ITestOutputHelper _output;

    public LimboTests(ITestOutputHelper output) => _output = output;

    private static string SuitePath()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("X509_LIMBO_PATH");
        if (!string.IsNullOrEmpty(fromEnv))
            return fromEnv;
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared", "testdata", "x509-limbo", "limbo.json.gz");
            if (File.Exists(candidate))
                return candidate;
        }
        Assert.Fail("x509-limbo suite not found: expected shared/testdata/x509-limbo/limbo.json.gz beside the repository (or set X509_LIMBO_PATH)");
        return null!;
    }

    /// <summary>Reads limbo-expected-differences.txt: one <c>id TAB reason</c> per line, # comments.</summary>
    internal static Dictionary<string, string> ExpectedDifferences()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "limbo-expected-differences.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            string[] parts = line.Split('\t', 2);
            Assert.True(parts.Length == 2 && parts[1].Trim().Length > 10, $"expected-differences line without a reason: '{line}'");
            Assert.True(result.TryAdd(parts[0], parts[1]), $"{parts[0]} is listed twice");
        }
        return result;
    }

    [Fact]
    public void LimboResultsDifferOnlyWhereListed()
    {
        LimboRun run = Suite.Value;
        _output.WriteLine(LimboRunner.Summary(run));
        Dictionary<string, string> expected = ExpectedDifferences();
        var problems = new List<string>();
        foreach (LimboCaseResult r in run.Results.Where(r => r.Differs && !expected.ContainsKey(r.Id)))
            problems.Add($"unexpected difference {r.Id}: expected {r.Expected}, got {r.ActualResult} ({r.Context})");
        var byId = run.Results.ToDictionary(r => r.Id);
        foreach (string id in expected.Keys)
        {
            if (!byId.TryGetValue(id, out LimboCaseResult? r))
                problems.Add($"listed difference {id} is not in the suite");
            else if (!r.Differs)
                problems.Add($"listed difference {id} no longer differs ({r.ActualResult}): remove it from limbo-expected-differences.txt");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        Assert.True(run.Results.Count > 9000, $"only {run.Results.Count} cases were loaded");
        int differ = run.Results.Count(r => r.Differs), skipped = run.Results.Count(r => r.Outcome == LimboOutcome.Skipped);
        Assert.InRange(differ, 0, MaxDifferences);
        Assert.InRange(skipped, 0, MaxSkipped);
    }

    [Fact]
    public void SkippedCasesAreExactlyThoseWithUnsupportedFeatures()
    {
        foreach (LimboCaseResult r in Suite.Value.Results)
        {
            bool unsupported = r.Features.Any(LimboRunner.UnsupportedFeatures.ContainsKey);
            Assert.True(unsupported == (r.Outcome == LimboOutcome.Skipped), $"{r.Id}: {r.ActualResult} ({r.Context})");
        }
    }

    [Fact]
    public void CrlCasesRunAndMatch()
    {
        List<LimboCaseResult> crl = Suite.Value.Results.Where(r => r.Id.StartsWith("crl::", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, crl.Count);
        Assert.All(crl, r => Assert.True(r.Matches, $"{r.Id}: expected {r.Expected}, got {r.ActualResult} ({r.Context})"));
        Assert.Contains(crl, r => r.Outcome == LimboOutcome.Failure && r.Context!.StartsWith("Revoked:", StringComparison.Ordinal));
    }

    [Fact]
    public void CommonNameRuleMatchesLimboWhenEnabled()
    {
        LimboRun run = LimboRunner.RunFile(SuitePath(), o => o with { RequireCommonNameInSubjectAltName = true },
            id => id.StartsWith("webpki::", StringComparison.Ordinal));
        List<LimboCaseResult> cn = run.Results.Where(r => r.Id.StartsWith("webpki::cn::", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, cn.Count);
        Assert.All(cn, r => Assert.True(r.Matches, $"{r.Id}: expected {r.Expected}, got {r.ActualResult} ({r.Context})"));
        // Why it is opt-in: limbo itself expects SUCCESS for three leaves whose CN (example.com) is not in their SAN
        // (a wildcard or IP SAN), which the rule rejects. Every other Web PKI case is undisturbed.
        string[] cnNotInSan = ["webpki::nc::nc-permits-dns-san-pattern", "webpki::san::exact-localhost-ip-san", "webpki::san::leftmost-wildcard-san"];
        List<LimboCaseResult> differ = run.Results.Where(r => r.Differs).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(cnNotInSan, differ.Select(r => r.Id));
        Assert.All(differ, r => Assert.Contains("CA/B BR 7.1.4.3", r.Context));
    }

    [Fact]
    public void ResultsAreWrittenInLimboResultFormat()
    {
        LimboRun run = Suite.Value;
        using var stream = new MemoryStream();
        LimboRunner.WriteResults(run, stream);
        using var doc = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(LimboRunner.HarnessName, doc.RootElement.GetProperty("harness").GetString());
        System.Text.Json.JsonElement results = doc.RootElement.GetProperty("results");
        Assert.Equal(run.Results.Count, results.GetArrayLength());
        foreach (System.Text.Json.JsonElement r in results.EnumerateArray())
        {
            Assert.Contains(r.GetProperty("actual_result").GetString(), new[] { "SUCCESS", "FAILURE", "SKIPPED" });
            Assert.True(r.TryGetProperty("id", out _) && r.TryGetProperty("context", out _));
        }
    }
}
