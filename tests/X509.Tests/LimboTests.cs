using Xunit.Abstractions;

namespace TlsEngine.X509.Tests;

public class LimboTests
{
    private readonly ITestOutputHelper _output;

    public LimboTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void RunsTheX509LimboSuiteAndReportsCounts()
    {
        string? path = LimboHarness.FindSuite();
        Assert.True(path is not null, "x509-limbo suite not found: expected shared/testdata/x509-limbo/limbo.json.gz beside the repository (or set X509_LIMBO_PATH)");
        List<LimboHarness.CaseResult> results = LimboHarness.Run(path!);
        string report = LimboHarness.Report(results);
        string reportPath = Path.Combine(AppContext.BaseDirectory, "limbo-report.txt");
        File.WriteAllText(reportPath, report);
        _output.WriteLine(report);
        _output.WriteLine("report written to " + reportPath);

        // The harness itself must work: every case ran or was skipped for a named feature, and no case produced
        // anything but a verdict (an escaped exception would have failed the run).
        Assert.True(results.Count > 9000, $"only {results.Count} cases were loaded");
        Assert.All(results, r => Assert.Contains(r.Actual, new[] { "SUCCESS", "FAILURE", "SKIPPED" }));
        Assert.Contains(results, r => r.Passed);
    }
}
