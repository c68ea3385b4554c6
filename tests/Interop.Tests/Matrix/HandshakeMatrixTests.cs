using System.Diagnostics;
using TlsEngine.Interop.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TlsEngine.Interop.Tests.Matrix;

/// <summary>
/// The full cross product, both directions: 3 groups × 3 suites × 4 server key types × 4 client key types × 2 = 288
/// mutual-TLS handshakes against real openssl processes. One theory row per (direction, server key, client key) runs its
/// 9 group × suite cases concurrently with a bounded degree (INTEROP_PARALLELISM, default 3) and reports every failing
/// case with both ends' view.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class HandshakeMatrixTests(PkiFixture pki, ITestOutputHelper output)
{
    public static int Parallelism =>
        int.TryParse(Environment.GetEnvironmentVariable("INTEROP_PARALLELISM"), out int n) && n is >= 1 and <= 8 ? n : 3;

    public static TheoryData<Direction, KeyType, KeyType> Rows()
    {
        var rows = new TheoryData<Direction, KeyType, KeyType>();
        foreach (var d in new[] { Direction.EngineServer, Direction.EngineClient })
        {
            foreach (var s in KeyTypes.All)
            {
                foreach (var c in KeyTypes.All) rows.Add(d, s, c);
            }
        }
        return rows;
    }

    [SkippableTheory]
    [MemberData(nameof(Rows))]
    public async Task MutualTlsNegotiatesEveryGroupAndSuite(Direction direction, KeyType serverKey, KeyType clientKey)
    {
        ExternalTool.Require("openssl");
        _ = pki.Dir;
        var cases = (from g in MatrixCase.Groups from s in MatrixCase.Suites select new MatrixCase(direction, g, s, serverKey, clientKey)).ToList();
        var results = new Checks[cases.Count];
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (i, _) => results[i] = await MatrixRunner.RunAsync(pki, cases[i]));
        sw.Stop();
        foreach (var r in results) output.WriteLine($"{(r.Passed ? "PASS" : "FAIL")} {r.Scenario}");
        output.WriteLine($"{cases.Count} cases in {sw.Elapsed.TotalSeconds:0.0} s (parallelism {Parallelism})");
        var failed = results.Where(r => !r.Passed).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count}/{cases.Count} cases failed:\n" + string.Join("\n", failed.Select(f => f.Report())));
    }
}
