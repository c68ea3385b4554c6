using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace TlsEngine.X509.Tests;

/// <summary><c>tlsengine x509 verify</c> and <c>tlsengine x509 limbo</c>, run as the real program.</summary>
public class CliTests
{
    private sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    private static Outcome RunCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TlsEngine.Cli.dll"));
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill();
            Assert.Fail("tlsengine did not finish: " + string.Join(' ', args));
        }
        return new Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Pem(TestCert c) => PemEncoding.WriteString("CERTIFICATE", c.Der);

    private sealed class Files : IDisposable
    {
        private readonly OpenSsl.TempDir _dir = new();

        public Files()
        {
            Root = TestPki.Root();
            Inter = TestPki.Intermediate(Root);
            Leaf = TestPki.Leaf(Inter);
            File.WriteAllText(Path("root.pem"), Pem(Root));
            File.WriteAllBytes(Path("inter.der"), Inter.Der);
            File.WriteAllText(Path("leaf.pem"), Pem(Leaf));
        }

        public TestCert Root { get; }
        public TestCert Inter { get; }
        public TestCert Leaf { get; }

        public string Path(string name) => _dir.File(name);

        public void Dispose() => _dir.Dispose();
    }

    private static readonly string At = TestPki.Now.ToString("O");

    [Fact]
    public void VerifyPrintsTheChainAndValid()
    {
        using var f = new Files();
        Outcome o = RunCli("x509", "verify", f.Path("leaf.pem"), "--intermediate", f.Path("inter.der"), "--anchor", f.Path("root.pem"),
            "--at", At, "--purpose", "server", "--name", "leaf.example.com");
        Assert.True(o.ExitCode == 0, o.Stdout + o.Stderr);
        Assert.EndsWith("valid", o.Stdout.TrimEnd());
        Assert.Contains("0 CN=leaf.example.com (leaf)", o.Stdout);
        Assert.Contains("1 CN=Test Intermediate, O=Example (intermediate)", o.Stdout);
        Assert.Contains("2 CN=Test Root, O=Example (trust anchor)", o.Stdout);
    }

    [Fact]
    public void VerifyNamesTheCheckAndCertificateAtFault()
    {
        using var f = new Files();
        Outcome wrongName = RunCli("x509", "verify", f.Path("leaf.pem"), "--intermediate", f.Path("inter.der"), "--anchor", f.Path("root.pem"),
            "--at", At, "--name", "other.example.com");
        Assert.Equal(1, wrongName.ExitCode);
        Assert.Contains("invalid: check NameMismatch failed at depth 0", wrongName.Stdout);
        Assert.Contains("CN=leaf.example.com", wrongName.Stdout);

        Outcome missing = RunCli("x509", "verify", f.Path("leaf.pem"), "--anchor", f.Path("root.pem"), "--at", At);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("check UnknownIssuer", missing.Stdout);

        Outcome late = RunCli("x509", "verify", f.Path("leaf.pem"), "--intermediate", f.Path("inter.der"), "--anchor", f.Path("root.pem"),
            "--at", TestPki.Now.AddYears(5).ToString("O"));
        Assert.Equal(1, late.ExitCode);
        Assert.Contains("check Expired", late.Stdout);

        Outcome policy = RunCli("x509", "verify", f.Path("leaf.pem"), "--intermediate", f.Path("inter.der"), "--anchor", f.Path("root.pem"),
            "--at", At, "--policy", "1.2.3.4", "--policy", "1.2.3.5", "--require-explicit-policy");
        Assert.Equal(1, policy.ExitCode);
        Assert.Contains("check Policy", policy.Stdout);
    }

    [Fact]
    public void VerifyChecksCrls()
    {
        using var f = new Files();
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry(f.Leaf.Parsed.SerialNumber.ToArray(), TestPki.Now.AddDays(-1), X509RevocationReason.KeyCompromise);
        byte[] crl = builder.Build(f.Inter.Name, f.Inter.Generator, 3, TestPki.Now.AddDays(7), HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(f.Inter.SubjectKeyId!), TestPki.Now.AddDays(-1));
        File.WriteAllText(f.Path("inter.crl"), PemEncoding.WriteString("X509 CRL", crl));
        Outcome o = RunCli("x509", "verify", f.Path("leaf.pem"), "--intermediate", f.Path("inter.der"), "--anchor", f.Path("root.pem"),
            "--at", At, "--crl", f.Path("inter.crl"));
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("check Revoked failed at depth 0", o.Stdout);
        Assert.Contains("KeyCompromise", o.Stdout);
    }

    [Fact]
    public void VerifyUsageErrorsExitWithTwoAndBadInputWithOne()
    {
        using var f = new Files();
        Assert.Equal(2, RunCli("x509", "verify", f.Path("leaf.pem")).ExitCode);
        Assert.Equal(2, RunCli("x509", "verify", f.Path("leaf.pem"), "--anchor", f.Path("root.pem"), "--purpose", "email").ExitCode);
        Assert.Equal(2, RunCli("x509", "verify", f.Path("leaf.pem"), "--anchor", f.Path("root.pem"), "--bogus", "1").ExitCode);
        Assert.Equal(2, RunCli("x509", "frobnicate").ExitCode);
        File.WriteAllText(f.Path("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Outcome junk = RunCli("x509", "verify", f.Path("junk.pem"), "--anchor", f.Path("root.pem"));
        Assert.Equal(1, junk.ExitCode);
        Assert.Contains("tlsengine:", junk.Stderr);
    }

    [Fact]
    public void LimboWritesLimboResultsAndASummary()
    {
        using var f = new Files();
        object Case(string id, string expected, string name) => new Dictionary<string, object?>
        {
            ["id"] = id,
            ["description"] = "test",
            ["validation_kind"] = "SERVER",
            ["trusted_certs"] = new[] { Pem(f.Root) },
            ["untrusted_intermediates"] = new[] { Pem(f.Inter) },
            ["peer_certificate"] = Pem(f.Leaf),
            ["validation_time"] = TestPki.Now.ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
            ["signature_algorithms"] = Array.Empty<string>(),
            ["key_usage"] = Array.Empty<string>(),
            ["extended_key_usage"] = Array.Empty<string>(),
            ["expected_result"] = expected,
            ["expected_peer_name"] = new Dictionary<string, string> { ["kind"] = "DNS", ["value"] = name },
            ["expected_peer_names"] = Array.Empty<object>(),
            ["features"] = id.StartsWith("skip", StringComparison.Ordinal) ? new[] { "pedantic-serial-number" } : Array.Empty<string>(),
        };
        var suite = new { version = 1, testcases = new[] { Case("ok::good", "SUCCESS", "leaf.example.com"), Case("ok::bad-name", "FAILURE", "x.example.com"), Case("skip::one", "FAILURE", "leaf.example.com") } };
        using (FileStream file = File.Create(f.Path("suite.json.gz")))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
            JsonSerializer.Serialize(gz, suite);

        Outcome o = RunCli("x509", "limbo", f.Path("suite.json.gz"), "--output", f.Path("results.json"));
        Assert.True(o.ExitCode == 0, o.Stderr);
        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(f.Path("results.json")));
        Assert.Equal(1, results.RootElement.GetProperty("version").GetInt32());
        var actual = results.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("actual_result").GetString());
        Assert.Equal("SUCCESS", actual["ok::good"]);
        Assert.Equal("FAILURE", actual["ok::bad-name"]);
        Assert.Equal("SKIPPED", actual["skip::one"]);
        Assert.Contains("total", o.Stderr);
        Assert.Contains("run time", o.Stderr);

        // Without --output the results go to stdout; a file that is not a suite is a usage error.
        Outcome toStdout = RunCli("x509", "limbo", f.Path("suite.json.gz"));
        Assert.Equal(0, toStdout.ExitCode);
        Assert.Contains("\"harness\": \"tlsengine-x509\"", toStdout.Stdout);
        Assert.Equal(2, RunCli("x509", "limbo", f.Path("root.pem")).ExitCode);
    }
}
