using System.Globalization;
using System.Text.RegularExpressions;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Starts our CLI (<c>dotnet TlsEngine.Cli.dll ...</c>, built by this test project) as a child process.</summary>
public static partial class CliProcess
{
    public static OpenSslProcess Start(IEnumerable<string> args) => OpenSslProcess.Start(DotnetHost(), [RepositoryPaths.CliDll, .. args]);

    /// <summary>Starts <c>tlsengine server --port 0 ...</c> and waits for the "listening on 127.0.0.1:PORT" line.</summary>
    public static async Task<(OpenSslProcess Process, int Port)> StartServerAsync(IEnumerable<string> args)
    {
        var p = Start(["server", "--port", "0", "--naccept", "1", .. args]);
        try
        {
            await p.WaitUntilAsync(x => Listening().IsMatch(x.Stderr), "the 'listening on' line", Timeouts.Step);
            return (p, int.Parse(Listening().Match(p.Stderr).Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await p.DisposeAsync();
            throw;
        }
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        return ExternalTool.Find("dotnet") ?? throw new InvalidOperationException("cannot find the dotnet host to start the CLI");
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
