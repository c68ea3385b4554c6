using TlsEngine.Crypto;
using TlsEngine.Hsm;
using TlsEngine.X509;

namespace TlsEngine.Cli;

/// <summary>Turns the common command-line options into engine options (names spelled as OpenSSL spells them).</summary>
internal static class OptionsBuilder
{
    public static void ApplyCommon(CliArgs args, TlsOptions options)
    {
        var groups = args.List("groups");
        if (groups.Count > 0)
            options.Groups = groups.Select(g => NamedGroups.TryParse(g, out var x) ? x : throw new UsageException($"unknown group '{g}' (X25519, P-256, P-384)")).ToList();
        var suites = args.List("ciphersuites");
        if (suites.Count > 0)
            options.CipherSuites = suites.Select(s => CipherSuites.TryParse(s, out var x) ? x : throw new UsageException($"unknown cipher suite '{s}'")).ToList();
        var sigalgs = args.List("sigalgs");
        if (sigalgs.Count > 0)
        {
            options.SignatureSchemes = sigalgs.Select(s => SignatureSchemes.TryParse(s, out var x) && SignatureSchemes.IsSupported(x)
                ? x : throw new UsageException($"unknown or unsupported signature scheme '{s}'")).ToList();
        }
        options.ApplicationProtocols = args.List("alpn").ToList();
        if (args.Value("keylog") is { } keylog)
            options.KeyLog = KeyLogFile.Open(keylog);
        options.HandshakeTimeout = TimeSpan.FromSeconds(args.Int("timeout", 30));
        options.Certificate = LoadCertificate(args);
        if (args.Value("ca") is { } ca)
            options.TrustAnchors = TrustStore.LoadFile(ca);
    }

    private static TlsCertificate? LoadCertificate(CliArgs args)
    {
        string? password = Password(args.Value("pass"));
        if (args.Value("pkcs12") is { } p12)
            return TlsCertificate.LoadPkcs12(p12, password);
        var cert = args.Value("cert");
        var key = args.Value("key");
        if (cert is null && key is null) return null;
        if (Pkcs11Uri.IsPkcs11Uri(key))
            return LoadPkcs11(cert, key!, args.Value("pass"));
        if (cert is null || key is null) throw new UsageException("--cert and --key go together");
        return TlsCertificate.LoadPem(cert, key, password);
    }

    /// <summary>
    /// A key on a PKCS#11 token (RFC 7512 URI), with its certificate chain from <paramref name="certificatePath"/> or,
    /// when that is absent, the certificate stored on the token next to the key (same CKA_ID).
    /// </summary>
    private static TlsCertificate LoadPkcs11(string? certificatePath, string keyUri, string? pass)
    {
        if (pass is not null)
            throw new UsageException("--pass does not apply to a pkcs11: key; put the PIN source in the URI (?pin-source=file:PATH or env:NAME)");
        Pkcs11Uri uri;
        try
        {
            uri = Pkcs11Uri.Parse(keyUri);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--key: {e.Message}");
        }
        var key = Pkcs11SigningKey.Open(uri);
        return certificatePath is null
            ? new TlsCertificate([Certificate.Parse(key.ReadCertificate())], key)
            : TlsCertificate.Load(certificatePath, key);
    }

    /// <summary>A password given literally, as <c>pass:TEXT</c>, <c>env:VARIABLE</c> or <c>file:PATH</c> (first line).</summary>
    private static string? Password(string? spec)
    {
        if (spec is null) return null;
        if (spec.StartsWith("env:", StringComparison.Ordinal))
            return Environment.GetEnvironmentVariable(spec[4..]) ?? throw new UsageException($"environment variable {spec[4..]} is not set");
        if (spec.StartsWith("file:", StringComparison.Ordinal))
            return File.ReadLines(spec[5..]).FirstOrDefault() ?? "";
        if (spec.StartsWith("pass:", StringComparison.Ordinal))
            return spec[5..];
        return spec;
    }

    public static string Describe(TlsConnection c)
    {
        var parts = new List<string>
        {
            "TLSv1.3",
            c.CipherSuite?.ToString() ?? "-",
            c.NamedGroup is { } g ? NamedGroups.Name(g) : "-",
        };
        if (c.LocalSignatureScheme is { } l) parts.Add($"signed with {SignatureSchemes.Name(l)}");
        if (c.PeerSignatureScheme is { } p) parts.Add($"peer signed with {SignatureSchemes.Name(p)}");
        if (c.ApplicationProtocol is { } a) parts.Add($"ALPN {a}");
        if (c.HelloRetried) parts.Add("after HelloRetryRequest");
        return string.Join(", ", parts);
    }
}
