using System.Diagnostics;

namespace TlsEngine.Testing;

/// <summary>
/// Locates an external program a test needs (openssl, gnutls-cli, softhsm2-util). Outside CI a missing tool skips
/// the test with a printed reason; under CI=true it fails, because .ci/run installs every tool.
/// </summary>
public static class ExternalTool
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Returns the tool's path, or skips (outside CI) / fails (CI=true) with the reason.</summary>
    public static string Require(string name)
    {
        var path = Find(name);
        if (path is not null) return path;
        SkipOrFail($"{name} is not installed (.ci/run installs it)");
        return "";
    }

    /// <summary>
    /// A test cannot run here: under CI=true that is a failure (.ci/run provides everything); elsewhere the test is
    /// skipped, with the reason printed.
    /// </summary>
    public static void SkipOrFail(string reason)
    {
        if (InCi) Assert.Fail($"{reason}; CI=true, so this is a failure");
        Console.WriteLine($"SKIPPED: {reason}");
        Skip.If(true, reason);
    }

    /// <summary>Runs a tool to completion within <paramref name="timeout"/>; throws with its output if it fails.</summary>
    public static string Run(string tool, IEnumerable<string> args, string? workingDirectory = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} timed out");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result + stderr.Result;
    }
}
