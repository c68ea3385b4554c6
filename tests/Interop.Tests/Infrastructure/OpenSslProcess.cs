using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// One running child process (openssl s_server / s_client, or our CLI) with its standard streams captured: stdout as
/// bytes (and as Latin-1 text unless <see cref="HashStdoutOnly"/>), stderr as text, stdin kept open for commands and data.
/// Disposing kills the process tree if it is still running.
/// </summary>
public sealed class OpenSslProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly object _sync = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly IncrementalHash _stdoutHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _stdoutTail = new();
    private long _stdoutBytes;
    private bool _exited;

    private OpenSslProcess(Process process, string commandLine, bool hashStdoutOnly)
    {
        _process = process;
        CommandLine = commandLine;
        HashStdoutOnly = hashStdoutOnly;
        _stdoutPump = Task.Run(() => PumpAsync(process.StandardOutput.BaseStream, isStdout: true));
        _stderrPump = Task.Run(() => PumpAsync(process.StandardError.BaseStream, isStdout: false));
    }

    public string CommandLine { get; }

    /// <summary>Stdout is only counted and hashed (bulk data), not kept as text.</summary>
    public bool HashStdoutOnly { get; }

    public int Id => _process.Id;

    /// <summary>True once <see cref="WaitForExitAsync"/> has seen the process end.</summary>
    public bool HasExited
    {
        get
        {
            lock (_sync) return _exited;
        }
    }

    public bool ProcessHasExited => _process.HasExited;

    /// <summary>Completes when the process ends.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>True if the process ended (waiting briefly for it) and its output contains <paramref name="text"/>.</summary>
    public bool HasExitedWith(string text)
    {
        if (!_process.WaitForExit(2000)) return false;
        Task.WhenAll(_stdoutPump, _stderrPump).Wait(2000);
        return Output.Contains(text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Starts <c>openssl</c> with the given arguments (openssl must have been required by the test).</summary>
    public static OpenSslProcess StartOpenSsl(IEnumerable<string> args, bool hashStdoutOnly = false) =>
        Start(ExternalTool.Require("openssl"), args, hashStdoutOnly);

    public static OpenSslProcess Start(string fileName, IEnumerable<string> args, bool hashStdoutOnly = false)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{fileName} did not start");
        var commandLine = Path.GetFileName(fileName) + " " + string.Join(' ', psi.ArgumentList);
        return new OpenSslProcess(process, commandLine, hashStdoutOnly);
    }

    private async Task PumpAsync(Stream stream, bool isStdout)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (_sync)
                {
                    if (isStdout)
                    {
                        _stdoutBytes += n;
                        _stdoutHash.AppendData(buffer, 0, n);
                        if (!HashStdoutOnly) _stdout.Append(Encoding.Latin1.GetString(buffer, 0, n));
                        _stdoutTail.Append(Encoding.Latin1.GetString(buffer, Math.Max(0, n - TailSize), Math.Min(n, TailSize)));
                        if (_stdoutTail.Length > TailSize) _stdoutTail.Remove(0, _stdoutTail.Length - TailSize);
                    }
                    else
                    {
                        _stderr.Append(Encoding.Latin1.GetString(buffer, 0, n));
                    }
                }
                Signal();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource tcs;
        lock (_sync)
        {
            tcs = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        tcs.TrySetResult();
    }

    public string Stdout
    {
        get
        {
            lock (_sync) return _stdout.ToString();
        }
    }

    public string Stderr
    {
        get
        {
            lock (_sync) return _stderr.ToString();
        }
    }

    /// <summary>Stdout (only its tail when <see cref="HashStdoutOnly"/>) then stderr, for parsing and for failure messages.</summary>
    public string Output => (HashStdoutOnly ? StdoutTail : Stdout) + Stderr;

    private const int TailSize = 4096;

    /// <summary>The last 4 KiB of stdout, also kept when <see cref="HashStdoutOnly"/>.</summary>
    public string StdoutTail
    {
        get
        {
            lock (_sync) return _stdoutTail.ToString();
        }
    }

    public long StdoutBytes
    {
        get
        {
            lock (_sync) return _stdoutBytes;
        }
    }

    /// <summary>SHA-256 of everything read from stdout so far.</summary>
    public byte[] StdoutSha256()
    {
        lock (_sync) return _stdoutHash.GetCurrentHash();
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked whenever output arrives or the process exits).</summary>
    public async Task WaitUntilAsync(Func<OpenSslProcess, bool> condition, string what, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_sync) changed = _changed.Task;
            if (condition(this)) return;
            if (_process.HasExited && _stdoutPump.IsCompleted && _stderrPump.IsCompleted)
            {
                if (condition(this)) return;
                throw new InvalidOperationException($"{CommandLine} exited ({_process.ExitCode}) before {what}:\n{Tail(Output)}");
            }
            var exited = _process.WaitForExitAsync(cts.Token);
            var done = await Task.WhenAny(changed, exited, Task.Delay(Timeout.Infinite, cts.Token)).ConfigureAwait(false);
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"{CommandLine}: no {what} within {timeout.TotalSeconds:0.#} s:\n{Tail(Output)}");
            if (done == exited)
            {
                // Let the pumps drain the pipes before re-checking.
                await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cts.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until stdout or stderr contains <paramref name="text"/>.</summary>
    public Task WaitForTextAsync(string text, TimeSpan timeout) =>
        WaitUntilAsync(p => p.Output.Contains(text, StringComparison.Ordinal), $"'{text}' in the output", timeout);

    public async Task WriteAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        await _process.StandardInput.BaseStream.WriteAsync(data, ct).ConfigureAwait(false);
        await _process.StandardInput.BaseStream.FlushAsync(ct).ConfigureAwait(false);
    }

    public void CloseStdin()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits for the process to exit and its output to be read; returns the exit code. Kills it on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{CommandLine} did not exit within {timeout.TotalSeconds:0.#} s:\n{Tail(Output)}");
        }
        lock (_sync) _exited = true;
        return _process.ExitCode;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        _process.Dispose();
        _stdoutHash.Dispose();
    }

    /// <summary>The last part of a long output, for assertion messages.</summary>
    public static string Tail(string text, int max = 4000) => text.Length <= max ? text : "..." + text[^max..];

    public override string ToString() => CommandLine;
}
