using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using TlsEngine.X509;

namespace TlsEngine.Cli;

/// <summary>
/// <c>tlsengine x509 verify LEAF …</c>: validates a certificate chain with <see cref="ChainValidator"/> and prints the
/// path it built and <c>valid</c> (exit 0), or the check and certificate at fault (exit 1). Inputs are PEM or DER; a
/// PEM LEAF file may carry intermediates after the leaf.
/// </summary>
internal static class VerifyCommand
{
    public static int Run(CliArgs args)
    {
        string leafFile = args.RequiredPositional("the LEAF certificate file");
        IReadOnlyList<string> anchorFiles = args.Values("anchor");
        if (anchorFiles.Count == 0)
            throw new UsageException("x509 verify needs at least one --anchor FILE");
        IReadOnlyList<string> intermediateFiles = args.Values("intermediate");
        IReadOnlyList<string> crlFiles = args.Values("crl");
        DateTimeOffset time = ParseTime(args.Value("at"));
        KeyPurpose purpose = args.Value("purpose") switch
        {
            null or "any" => KeyPurpose.Any,
            "server" => KeyPurpose.ServerAuth,
            "client" => KeyPurpose.ClientAuth,
            var other => throw new UsageException($"--purpose must be server, client or any, not '{other}'"),
        };
        string? name = args.Value("name");
        IReadOnlyList<string> policies = args.Values("policy");
        foreach (string oid in policies)
        {
            if (!IsDottedOid(oid))
                throw new UsageException($"--policy expects a dotted OID such as 2.23.140.1.2.1, not '{oid}'");
        }
        bool explicitPolicy = args.Flag("require-explicit-policy");
        bool inhibitMapping = args.Flag("inhibit-policy-mapping");
        bool inhibitAny = args.Flag("inhibit-any-policy");
        bool lenient = args.Flag("lenient-profile");
        args.RejectUnknown();

        var presented = new List<Certificate>(CertificateLoader.LoadFile(leafFile));
        foreach (string file in intermediateFiles)
            presented.AddRange(CertificateLoader.LoadFile(file));
        var anchors = new List<Certificate>();
        foreach (string file in anchorFiles)
            anchors.AddRange(CertificateLoader.LoadFile(file));
        var crls = new List<CertificateRevocationList>();
        foreach (string file in crlFiles)
            crls.AddRange(CertificateRevocationList.LoadFile(file));

        IPAddress? ip = null;
        string? dns = null;
        if (name is not null && !IPAddress.TryParse(name, out ip))
            dns = name;
        var options = new ValidationOptions
        {
            Time = time,
            Purpose = purpose,
            DnsName = dns,
            IpAddress = ip,
            Crls = crls,
            InitialPolicySet = policies.Count > 0 ? policies.ToArray() : null,
            InitialExplicitPolicy = explicitPolicy,
            InitialPolicyMappingInhibit = inhibitMapping,
            InitialAnyPolicyInhibit = inhibitAny,
            StrictProfile = !lenient,
        };
        ValidationResult result = new ChainValidator(new TrustStore(anchors)).Validate(presented, options);

        Console.WriteLine($"validation time {time:u}, purpose {purpose}{(name is null ? string.Empty : ", name " + name)}, " +
            $"{presented.Count} presented, {anchors.Count} anchor(s), {crls.Count} CRL(s)");
        if (result.IsValid)
        {
            Console.WriteLine("chain:");
            for (int i = 0; i < result.Chain.Count; i++)
                Console.WriteLine(Describe(result.Chain[i], i, i == result.Chain.Count - 1));
            Console.WriteLine("valid");
            return 0;
        }
        CertificateError error = result.Error!;
        Console.WriteLine($"invalid: check {error.Code} failed at depth {error.Depth}");
        if (error.Certificate is { } bad)
            Console.WriteLine(Describe(bad, error.Depth, anchor: false));
        Console.WriteLine($"  {error.Message}");
        return 1;
    }

    private static string Describe(Certificate c, int depth, bool anchor)
    {
        string role = depth == 0 ? (anchor ? "leaf, trust anchor" : "leaf") : anchor ? "trust anchor" : "intermediate";
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(c.RawData.Span));
        return $"  {depth} {c.Subject} ({role})\n" +
            $"      issuer {c.Issuer}, serial {Convert.ToHexString(c.SerialNumber.Span)}\n" +
            $"      valid {c.NotBefore:u} to {c.NotAfter:u}, key {c.PublicKeyAlgorithmOid}, signed with {c.SignatureAlgorithm?.ToString() ?? c.SignatureAlgorithmOid}\n" +
            $"      sha256 {fingerprint}";
    }

    private static DateTimeOffset ParseTime(string? text)
    {
        if (text is null or "now")
            return DateTimeOffset.UtcNow;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t))
            return t;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long unix))
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        throw new UsageException($"--at expects an ISO 8601 time (2026-06-01T12:00:00Z), Unix seconds or 'now', not '{text}'");
    }

    private static bool IsDottedOid(string s)
    {
        string[] arcs = s.Split('.');
        return arcs.Length >= 2 && arcs.All(a => a.Length > 0 && a.All(char.IsAsciiDigit));
    }
}
