using TlsEngine.X509;

namespace TlsEngine.Cli;

/// <summary><c>tlsengine ocsp check CERT ISSUER [--url URL]</c>: asks the certificate's OCSP responder and prints the status.</summary>
internal static class OcspCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || args[0] != "check")
            throw new UsageException("usage: tlsengine ocsp check CERT ISSUER [--url URL]");
        var rest = CliArgs.Parse(args.AsSpan(3));
        var url = rest.Value("url") is { } u ? new Uri(u) : null;
        rest.RejectUnknown();
        var certificate = CertificateLoader.LoadFile(args[1])[0];
        var issuer = CertificateLoader.LoadFile(args[2])[0];
        using var client = new OcspClient();
        OcspFetchResult result;
        try
        {
            result = await client.FetchAsync(certificate, issuer, url);
        }
        catch (OcspFetchException e)
        {
            Console.Error.WriteLine($"tlsengine: {e.Message}");
            return 1;
        }
        var single = result.Check.Single!;
        Console.WriteLine($"certificate:  {certificate.Subject} (serial {Convert.ToHexString(certificate.SerialNumber.Span)})");
        Console.WriteLine($"status:       {single.Status.ToString().ToLowerInvariant()}");
        if (single.Status == OcspCertStatus.Revoked)
            Console.WriteLine($"revoked at:   {single.RevocationTime:u}{(single.RevocationReason is { } r ? $" ({r})" : "")}");
        Console.WriteLine($"producer:     {result.Check.Responder}");
        Console.WriteLine($"produced at:  {result.Check.Response!.ProducedAt:u}");
        Console.WriteLine($"this update:  {single.ThisUpdate:u}");
        Console.WriteLine($"next update:  {(single.NextUpdate is { } n ? n.ToString("u") : "(none)")}");
        return single.Status == OcspCertStatus.Good ? 0 : 1;
    }
}
