using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using TlsEngine.X509;

namespace TlsEngine.Cli;

/// <summary>
/// Runs x509-limbo test cases (github.com/C2SP/x509-limbo, schema version 1) through <see cref="ChainValidator"/> with
/// each case's validation time, EKU, peer names, maximum depth and CRLs, and reports in limbo's own result format
/// (<c>LimboResult</c>: <c>{"version":1,"harness":…,"results":[{"id","actual_result","context"}]}</c>). The one harness
/// behind <c>tlsengine x509 limbo</c> and the conformance test in tests/X509.Tests.
/// </summary>
public static class LimboRunner
{
    /// <summary>The harness name written into results.</summary>
    public const string HarnessName = "tlsengine-x509";

    /// <summary>
    /// Feature tags (limbo's <c>Feature</c> enum) whose optional behaviour the validator does not implement; cases with
    /// one are SKIPPED. Every other tag is implemented by the default <see cref="ValidationOptions"/>.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> UnsupportedFeatures = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pedantic-public-suffix-wildcard"] = "wildcards on public suffixes need the Public Suffix List, which is not bundled",
        ["pedantic-webpki-eku"] = "CA/B EKU rules (no EKU or anyExtendedKeyUsage in leaves, no EKU in roots) would reject common private-PKI certificates",
        ["pedantic-rfc5280"] = "trust anchors are inputs (RFC 5280 §6.1.1 (d)): a cross-signed root is trusted without an authorityKeyIdentifier",
        ["rfc5280-incompatible-with-webpki"] = "where the Web PKI relaxes RFC 5280 the validator follows the Web PKI (non-critical nameConstraints are processed)",
        ["pedantic-serial-number"] = "zero, negative and over-long serial numbers are accepted (RFC 5280 §4.1.2.2 asks users to handle them gracefully)",
    };

    /// <summary>Runs every test case of a limbo JSON file, plain or gzip-compressed (detected by its magic bytes).</summary>
    /// <param name="path">The limbo.json or limbo.json.gz file.</param>
    /// <param name="adjust">Optional change to each case's options (for tests of opt-in behaviour).</param>
    /// <param name="select">Optional filter on test case ids.</param>
    public static LimboRun RunFile(string path, Func<ValidationOptions, ValidationOptions>? adjust = null, Func<string, bool>? select = null)
    {
        using FileStream file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        using Stream input = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Run(input, adjust, select);
    }

    /// <summary>Runs every test case of a limbo JSON document.</summary>
    /// <exception cref="JsonException">The input is not JSON.</exception>
    /// <exception cref="FormatException">The JSON is not a limbo version 1 document.</exception>
    public static LimboRun Run(Stream json, Func<ValidationOptions, ValidationOptions>? adjust = null, Func<string, bool>? select = null)
    {
        var total = Stopwatch.StartNew();
        using JsonDocument doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out JsonElement version)
            || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 1
            || !root.TryGetProperty("testcases", out JsonElement testcases) || testcases.ValueKind != JsonValueKind.Array)
            throw new FormatException("not an x509-limbo document: expected {\"version\": 1, \"testcases\": [...]}");
        TimeSpan load = total.Elapsed;
        var now = DateTimeOffset.UtcNow;
        var results = new List<LimboCaseResult>(testcases.GetArrayLength());
        var validation = new Stopwatch();
        foreach (JsonElement tc in testcases.EnumerateArray())
        {
            string id = RequiredString(tc, "id");
            if (select is not null && !select(id))
                continue;
            validation.Start();
            results.Add(RunCase(tc, id, now, adjust));
            validation.Stop();
        }
        return new LimboRun(results, load, validation.Elapsed, total.Elapsed);
    }

    private static LimboCaseResult RunCase(JsonElement tc, string id, DateTimeOffset now, Func<ValidationOptions, ValidationOptions>? adjust)
    {
        string expected = RequiredString(tc, "expected_result");
        string[] features = StringArray(tc, "features");
        foreach (string feature in features)
        {
            if (UnsupportedFeatures.ContainsKey(feature))
                return new LimboCaseResult(id, features, expected, LimboOutcome.Skipped, $"unsupported feature {feature}");
        }
        string[] keyUsage = StringArray(tc, "key_usage");
        if (keyUsage.Any(k => k != "digitalSignature"))
            return new LimboCaseResult(id, features, expected, LimboOutcome.Skipped, "keyUsage constraints other than digitalSignature are not supported");
        if (StringArray(tc, "signature_algorithms").Length > 0)
            return new LimboCaseResult(id, features, expected, LimboOutcome.Skipped, "signature algorithm constraints are not supported");
        string kind = RequiredString(tc, "validation_kind");
        string[] ekus = StringArray(tc, "extended_key_usage");
        KeyPurpose purpose;
        if (ekus.Length == 0)
            purpose = kind == "CLIENT" ? KeyPurpose.ClientAuth : KeyPurpose.ServerAuth;
        else if (ekus is ["serverAuth"])
            purpose = KeyPurpose.ServerAuth;
        else if (ekus is ["clientAuth"])
            purpose = KeyPurpose.ClientAuth;
        else
            return new LimboCaseResult(id, features, expected, LimboOutcome.Skipped, $"extended key usage [{string.Join(", ", ekus)}] is not supported");

        try
        {
            (bool ok, string context) = Validate(tc, kind, purpose, now, adjust);
            return new LimboCaseResult(id, features, expected, ok ? LimboOutcome.Success : LimboOutcome.Failure, context);
        }
        catch (X509Exception e)
        {
            return new LimboCaseResult(id, features, expected, LimboOutcome.Failure, "input rejected: " + e.Message);
        }
    }

    private static (bool Ok, string Context) Validate(JsonElement tc, string kind, KeyPurpose purpose, DateTimeOffset now,
        Func<ValidationOptions, ValidationOptions>? adjust)
    {
        Certificate leaf = LoadOne(RequiredString(tc, "peer_certificate"));
        // Unparsable anchors and intermediates are left out (as if never offered); an unparsable leaf or CRL fails the case.
        var anchors = new List<Certificate>();
        foreach (string pem in StringArray(tc, "trusted_certs"))
        {
            if (TryLoad(pem) is { } c)
                anchors.Add(c);
        }
        var presented = new List<Certificate> { leaf };
        foreach (string pem in StringArray(tc, "untrusted_intermediates"))
        {
            if (TryLoad(pem) is { } c)
                presented.Add(c);
        }
        var crls = new List<CertificateRevocationList>();
        foreach (string pem in StringArray(tc, "crls"))
            crls.AddRange(CertificateRevocationList.Load(Encoding.ASCII.GetBytes(pem)));

        DateTimeOffset time = tc.TryGetProperty("validation_time", out JsonElement t) && t.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(t.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : now;
        string? dns = null;
        IPAddress? ip = null;
        var emails = new List<string>();
        if (kind == "SERVER" && tc.TryGetProperty("expected_peer_name", out JsonElement name) && name.ValueKind == JsonValueKind.Object)
            AddPeerName(name, ref dns, ref ip, emails);
        if (kind == "CLIENT" && tc.TryGetProperty("expected_peer_names", out JsonElement names) && names.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement n in names.EnumerateArray())
                AddPeerName(n, ref dns, ref ip, emails);
        }
        var options = new ValidationOptions
        {
            Time = time,
            Purpose = purpose,
            DnsName = dns,
            IpAddress = ip,
            Crls = crls,
            MaxDepth = tc.TryGetProperty("max_chain_depth", out JsonElement d) && d.ValueKind == JsonValueKind.Number
                ? d.GetInt32() : ValidationOptions.DefaultMaxDepth,
        };
        if (adjust is not null)
            options = adjust(options);

        ValidationResult result = new ChainValidator(new TrustStore(anchors)).Validate(presented, options);
        if (!result.IsValid)
            return (false, result.Error!.ToString());
        foreach (string email in emails)
        {
            if (!NameMatching.MatchesEmailAddress(leaf, email))
                return (false, $"NameMismatch: no rfc822Name subjectAltName matches '{email}'");
        }
        return (true, "valid: " + string.Join(" <- ", result.Chain.Reverse().Select(c => c.Subject.ToString())));
    }

    private static void AddPeerName(JsonElement name, ref string? dns, ref IPAddress? ip, List<string> emails)
    {
        string value = RequiredString(name, "value");
        switch (RequiredString(name, "kind"))
        {
            case "DNS":
                dns = value;
                break;
            case "IP":
                ip = IPAddress.Parse(value);
                break;
            case "RFC822":
                emails.Add(value);
                break;
            default:
                throw new FormatException($"unknown peer name kind in '{value}'");
        }
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

    private static string RequiredString(JsonElement e, string property) =>
        e.TryGetProperty(property, out JsonElement v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"limbo test case field '{property}' is missing or not a string");

    private static string[] StringArray(JsonElement e, string property)
    {
        if (!e.TryGetProperty(property, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
            return [];
        if (v.ValueKind != JsonValueKind.Array)
            throw new FormatException($"limbo test case field '{property}' is not an array");
        var list = new string[v.GetArrayLength()];
        int i = 0;
        foreach (JsonElement x in v.EnumerateArray())
            list[i++] = x.ValueKind == JsonValueKind.String ? x.GetString()! : throw new FormatException($"'{property}' holds a non-string");
        return list;
    }

    /// <summary>Writes <paramref name="run"/> as a limbo <c>LimboResult</c> JSON document.</summary>
    public static void WriteResults(LimboRun run, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteString("harness", HarnessName);
        w.WriteStartArray("results");
        foreach (LimboCaseResult r in run.Results)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("actual_result", r.ActualResult);
            if (r.Context is null)
                w.WriteNull("context");
            else
                w.WriteString("context", r.Context);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }

    /// <summary>Counts per namespace (two levels for bettertls, rfc5280 and webpki) and in total, with the run times.</summary>
    public static string Summary(LimboRun run)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"namespace",-32} {"cases",6} {"match",6} {"differ",6} {"skip",6}");
        foreach (IGrouping<string, LimboCaseResult> g in run.Results.GroupBy(r => Namespace(r.Id)).OrderBy(g => g.Key, StringComparer.Ordinal))
            AppendRow(sb, g.Key, g.ToList());
        AppendRow(sb, "total", run.Results);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"run time {run.Total.TotalSeconds:F2} s: loading {run.Load.TotalSeconds:F2} s, validating {run.Validation.TotalSeconds:F2} s " +
            $"({run.Validation.TotalMilliseconds * 1000 / Math.Max(1, run.Results.Count):F0} µs per case)");
        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, string name, IReadOnlyList<LimboCaseResult> rows)
    {
        int match = rows.Count(r => r.Matches), skip = rows.Count(r => r.Outcome == LimboOutcome.Skipped);
        sb.AppendLine(CultureInfo.InvariantCulture, $"{name,-32} {rows.Count,6} {match,6} {rows.Count - match - skip,6} {skip,6}");
    }

    /// <summary>The namespace of a test case id: its first part, or first two for bettertls, rfc5280 and webpki.</summary>
    public static string Namespace(string id)
    {
        string[] parts = id.Split("::");
        return parts[0] is "bettertls" or "rfc5280" or "webpki" && parts.Length > 2 ? parts[0] + "::" + parts[1] : parts[0];
    }
}

/// <summary>The verdict on one test case.</summary>
public enum LimboOutcome
{
    /// <summary>The chain validated.</summary>
    Success,
    /// <summary>The chain (or an input) was rejected.</summary>
    Failure,
    /// <summary>Not run: it needs a feature the validator does not implement.</summary>
    Skipped,
}

/// <summary>One test case's outcome next to limbo's expectation.</summary>
public sealed record LimboCaseResult(string Id, string[] Features, string Expected, LimboOutcome Outcome, string? Context)
{
    /// <summary>SUCCESS, FAILURE or SKIPPED, as limbo spells them.</summary>
    public string ActualResult => Outcome switch
    {
        LimboOutcome.Success => "SUCCESS",
        LimboOutcome.Failure => "FAILURE",
        _ => "SKIPPED",
    };

    /// <summary>True if the case ran and the outcome equals the expected one.</summary>
    public bool Matches => Outcome != LimboOutcome.Skipped && ActualResult == Expected;

    /// <summary>True if the case ran and the outcome differs from the expected one.</summary>
    public bool Differs => Outcome != LimboOutcome.Skipped && ActualResult != Expected;
}

/// <summary>The results of one run, with the time spent loading the JSON and validating.</summary>
public sealed record LimboRun(IReadOnlyList<LimboCaseResult> Results, TimeSpan Load, TimeSpan Validation, TimeSpan Total);
