using TlsEngine.Fuzz.Support;

namespace TlsEngine.Fuzz.Tests;

/// <summary>
/// X.509 differential on fuzz/corpus/x509 and fuzz/regressions/x509: where BouncyCastle and .NET agree on accepting or
/// rejecting a certificate, we agree too, except for the inputs listed with a reason in fuzz/x509-differential.txt
/// (our parser is strict DER on purpose). A listed input that no longer disagrees also fails, so the list stays true.
/// </summary>
public class DifferentialTests
{
    [Fact]
    public void CertificateParsingAgreesWithBouncyCastleAndDotNetOrIsExplained()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "x509-differential.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToDictionary(l => l.Split('\t')[0], l => l.Split('\t')[1], StringComparer.Ordinal);
        var unexplained = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string kind in new[] { "corpus", "regressions" })
        {
            string dir = Path.Combine(AppContext.BaseDirectory, kind, "x509");
            if (!Directory.Exists(dir)) continue;
            foreach (string file in Directory.GetFiles(dir))
            {
                var v = X509Differential.Compare(File.ReadAllBytes(file));
                string name = $"{kind}/x509/{Path.GetFileName(file)}";
                if (!v.Disagrees) continue;
                seen.Add(name);
                if (!expected.ContainsKey(name))
                    unexplained.Add($"{name}: ours={v.Ours} references={v.BouncyCastle} ({v.Detail})");
            }
        }
        var stale = expected.Keys.Where(k => !seen.Contains(k)).ToList();
        Assert.True(unexplained.Count == 0, "unexplained disagreements:\n" + string.Join('\n', unexplained));
        Assert.True(stale.Count == 0, "listed in fuzz/x509-differential.txt but no longer disagreeing:\n" + string.Join('\n', stale));
    }
}
