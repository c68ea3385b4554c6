using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using TlsEngine.Testing;

namespace TlsEngine.Hsm.Tests.Support;

/// <summary>
/// A running openssl s_server / s_client with its output collected. Disposing kills it (whole process tree) if it is still
/// running, so a hung peer never outlives its test.
/// </summary>
public sealed partial class OpenSslProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OpenSslProcess(Process process)
    {
        _process = process;
    }

    public static OpenSslProcess Start(string workingDirectory, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(ExternalTool.Require("openssl"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi };
        var peer = new OpenSslProcess(process);
        process.OutputDataReceived += (_, e) => peer.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Collect(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Flush();
        }
        return peer;
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>The port s_server printed in its "ACCEPT host:port" line.</summary>
    public async Task<int> AcceptPortAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_port.Task, Task.Delay(timeout));
        if (done != _port.Task) throw new TimeoutException($"openssl s_server printed no ACCEPT line: {Output}");
        return await _port.Task;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"openssl did not print '{text}': {Output}");
            await Task.Delay(20);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"openssl did not exit within {timeout}: {Output}");
        }
        return _process.ExitCode;
    }

    public void CloseInput() => _process.StandardInput.Close();

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        var m = AcceptLine().Match(line);
        if (m.Success) _port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^ACCEPT .*:(\d+)$")]
    private static partial Regex AcceptLine();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
