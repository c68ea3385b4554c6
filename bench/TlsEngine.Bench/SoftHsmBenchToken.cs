using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TlsEngine.Bench;

/// <summary>
/// A throw-away SoftHSM2 token for one benchmark process: a private SOFTHSM2_CONF (set in the native environment before
/// the module loads, since SoftHSM reads it with getenv at C_Initialize), a token initialised with softhsm2-util, and
/// software keys imported into it so both benchmark cases use the very same key.
/// </summary>
internal sealed partial class SoftHsmBenchToken : IDisposable
{
    public const string Label = "bench";
    public const string Pin = "1234";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tlsengine-bench-hsm-" + Guid.NewGuid().ToString("N")[..12]);

    public SoftHsmBenchToken()
    {
        var tokens = Path.Combine(_dir, "tokens");
        Directory.CreateDirectory(tokens);
        var conf = Path.Combine(_dir, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);
        if (setenv("SOFTHSM2_CONF", conf, 1) != 0) throw new InvalidOperationException("setenv SOFTHSM2_CONF failed");
        SoftHsmUtil("--init-token", "--free", "--label", Label, "--so-pin", "5678", "--pin", Pin);
    }

    /// <summary>Imports a PKCS#8 PEM private key (and its public half) under <paramref name="label"/>; the file is deleted.</summary>
    public void Import(string pkcs8Pem, string label, string hexId)
    {
        var file = Path.Combine(_dir, label + ".pem");
        File.WriteAllText(file, pkcs8Pem);
        try
        {
            SoftHsmUtil("--import", file, "--token", Label, "--label", label, "--id", hexId, "--pin", Pin);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static string KeyUri(string label) => $"pkcs11:token={Label};object={label};type=private?pin-value={Pin}";

    private static void SoftHsmUtil(params string[] args)
    {
        var psi = new ProcessStartInfo("softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the SoftHSM benchmark needs softhsm2-util (apt-get install -y softhsm2)", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000) || process.ExitCode != 0)
                throw new InvalidOperationException($"softhsm2-util {args[0]} failed: {errors.Result}{output.Result}");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code, which the build disallows
    private static extern int setenv(string name, string value, int overwrite);
#pragma warning restore SYSLIB1054
}
