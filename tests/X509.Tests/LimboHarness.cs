using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace TlsEngine.X509.Tests;

/// <summary>
/// Runs the x509-limbo suite (read in place from shared/testdata, never copied) through <see cref="ChainValidator"/>
/// and tallies pass/fail/skip per namespace and per feature.
/// </summary>
internal static class LimboHarness
{
    /// <summary>Feature tags whose optional behaviour this library does not implement; such cases are skipped.</summary>
    public static readonly HashSet<string> UnsupportedFeatures = new(StringComparer.Ordinal)
    {
        "has-crl",
        "pedantic-webpki-eku",
        "pedantic-webpki-subscriber-key",
        "pedantic-serial-number",
        "pedantic-public-suffix-wildcard",
        "pedantic-rfc5280",
        "rfc5280-incompatible-with-webpki",
    };

    public sealed record CaseResult(string Id, string[] Features, string Expected, string Actual, string? Context)
    {
        public bool Skipped => Actual == "SKIPPED";
        public bool Passed => !Skipped && Actual == Expected;
    }

    public static string? FindSuite()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("X509_LIMBO_PATH");
        if (!string.IsNullOrEmpty(fromEnv))
            return File.Exists(fromEnv) ? fromEnv : null;
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared", "testdata", "x509-limbo", "limbo.json.gz");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static List<CaseResult> Run(string path)
    {
        using FileStream file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using JsonDocument doc = JsonDocument.Parse(gzip);
        var results = new List<CaseResult>();
        foreach (JsonElement tc in doc.RootElement.GetProperty("testcases").EnumerateArray())
            results.Add(RunCase(tc));
        return results;
    }

    private static CaseResult RunCase(JsonElement tc)
    {
        string id = tc.GetProperty("id").GetString()!;
        string expected = tc.GetProperty("expected_result").GetString()!;
        string[] features = tc.TryGetProperty("features", out JsonElement f) && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray().Select(x => x.GetString()!).ToArray()
            : [];
        foreach (string feature in features)
        {
            if (UnsupportedFeatures.Contains(feature))
                return new CaseResult(id, features, expected, "SKIPPED", "feature " + feature);
        }
        try
        {
            (bool ok, string context) = Validate(tc);
            return new CaseResult(id, features, expected, ok ? "SUCCESS" : "FAILURE", context);
        }
        catch (X509Exception e)
        {
            return new CaseResult(id, features, expected, "FAILURE", "parse: " + e.Message);
        }
    }

    private static (bool Ok, string Context) Validate(JsonElement tc)
    {
        Certificate leaf = LoadOne(tc.GetProperty("peer_certificate").GetString()!);
        var anchors = new List<Certificate>();
        foreach (JsonElement pem in tc.GetProperty("trusted_certs").EnumerateArray())
        {
            if (TryLoad(pem.GetString()!) is { } c)
                anchors.Add(c);
        }
        var presented = new List<Certificate> { leaf };
        foreach (JsonElement pem in tc.GetProperty("untrusted_intermediates").EnumerateArray())
        {
            if (TryLoad(pem.GetString()!) is { } c)
                presented.Add(c);
        }

        DateTimeOffset time = tc.TryGetProperty("validation_time", out JsonElement t) && t.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(t.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : DateTimeOffset.UtcNow;
        string kind = tc.GetProperty("validation_kind").GetString()!;
        var ekus = tc.GetProperty("extended_key_usage").EnumerateArray().Select(x => x.GetString()).ToList();
        KeyPurpose purpose = ekus.Contains("serverAuth") ? KeyPurpose.ServerAuth
            : ekus.Contains("clientAuth") ? KeyPurpose.ClientAuth
            : kind == "SERVER" ? KeyPurpose.ServerAuth : KeyPurpose.Any;
        string? dns = null;
        IPAddress? ip = null;
        if (tc.TryGetProperty("expected_peer_name", out JsonElement name) && name.ValueKind == JsonValueKind.Object)
        {
            string value = name.GetProperty("value").GetString()!;
            switch (name.GetProperty("kind").GetString())
            {
                case "DNS":
                    dns = value;
                    break;
                case "IP":
                    ip = IPAddress.Parse(value);
                    break;
            }
        }
        int maxDepth = tc.TryGetProperty("max_chain_depth", out JsonElement d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : 8;
        var options = new ValidationOptions { Time = time, Purpose = purpose, DnsName = dns, IpAddress = ip, MaxDepth = maxDepth };
        ValidationResult result = new ChainValidator(new TrustStore(anchors)).Validate(presented, options);
        return (result.IsValid, result.Error?.ToString() ?? "valid");
    }

    private static Certificate LoadOne(string pem) => CertificateLoader.Load(Encoding.ASCII.GetBytes(pem))[0];

    private static Certificate? TryLoad(string pem)
    {
        try
        {
            return LoadOne(pem);
        }
        catch (X509Exception)
        {
            return null;
        }
    }

    /// <summary>Counts per group: namespace (two levels for bettertls) and feature.</summary>
    public static string Report(List<CaseResult> results)
    {
        var sb = new StringBuilder();
        int pass = results.Count(r => r.Passed), skip = results.Count(r => r.Skipped);
        sb.AppendLine($"x509-limbo: {results.Count} cases: {pass} passed, {results.Count - pass - skip} failed, {skip} skipped");
        sb.AppendLine();
        sb.AppendLine("by namespace:");
        AppendGroups(sb, results.GroupBy(r => Namespace(r.Id)));
        sb.AppendLine();
        sb.AppendLine("by feature:");
        AppendGroups(sb, results.SelectMany(r => (r.Features.Length == 0 ? ["(none)"] : r.Features).Select(f => (f, r))).GroupBy(x => x.f, x => x.r));
        sb.AppendLine();
        sb.AppendLine("mismatches:");
        foreach (CaseResult r in results.Where(r => !r.Passed && !r.Skipped).OrderBy(r => r.Id, StringComparer.Ordinal))
            sb.AppendLine($"  {r.Id}: expected {r.Expected}, got {r.Actual} ({r.Context})");
        return sb.ToString();
    }

    private static void AppendGroups(StringBuilder sb, IEnumerable<IGrouping<string, CaseResult>> groups)
    {
        foreach (var g in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int pass = g.Count(r => r.Passed), skip = g.Count(r => r.Skipped);
            sb.AppendLine($"  {g.Key,-40} pass {pass,5}  fail {g.Count() - pass - skip,5}  skip {skip,5}");
        }
    }

    private static string Namespace(string id)
    {
        string[] parts = id.Split("::");
        return parts[0] is "bettertls" or "rfc5280" or "webpki" && parts.Length > 2 ? parts[0] + "::" + parts[1] : parts[0];
    }
}
