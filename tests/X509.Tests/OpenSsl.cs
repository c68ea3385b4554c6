using System.Diagnostics;

namespace TlsEngine.X509.Tests;

/// <summary>
/// Runs the openssl CLI for key types and encodings the BCL cannot make (Ed25519, RSA-PSS keys). A missing openssl
/// fails the test (it is never skipped), so CI notices a missing install step.
/// </summary>
internal static class OpenSsl
{
    public static string Run(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("openssl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            string ci = Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: install the openssl package)" : string.Empty;
            throw new InvalidOperationException($"this test needs the openssl CLI, which was not found{ci}: {e.Message}");
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException("openssl " + string.Join(' ', args));
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {stderr.Result}");
            return stdout.Result;
        }
    }

    /// <summary>Creates a temporary directory that is deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "x509tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Makes root → leaf with the given openssl key algorithm arguments (e.g. "-algorithm ED25519") and returns both DER
    /// certificates. The leaf has SAN DNS:leaf.example.com and the usual extensions.
    /// </summary>
    public static (byte[] Root, byte[] Leaf) MakeChain(string[] keyArgs, string[] signArgs)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("root.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
        File.WriteAllText(dir.File("leaf.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:leaf.example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
        Run(dir.Path, ["genpkey", .. keyArgs, "-out", "root.key"]);
        Run(dir.Path, ["genpkey", .. keyArgs, "-out", "leaf.key"]);
        Run(dir.Path, ["req", "-new", "-key", "root.key", "-subj", "/CN=OpenSSL Root", "-out", "root.csr"]);
        Run(dir.Path, ["x509", "-req", "-in", "root.csr", "-signkey", "root.key", .. signArgs, "-days", "36500", "-extfile", "root.ext", "-set_serial", "1", "-outform", "DER", "-out", "root.der"]);
        Run(dir.Path, ["req", "-new", "-key", "leaf.key", "-subj", "/CN=leaf.example.com", "-out", "leaf.csr"]);
        Run(dir.Path, ["x509", "-req", "-in", "leaf.csr", "-CA", "root.der", "-CAform", "DER", "-CAkey", "root.key", .. signArgs, "-days", "36500", "-extfile", "leaf.ext", "-set_serial", "2", "-outform", "DER", "-out", "leaf.der"]);
        return (File.ReadAllBytes(dir.File("root.der")), File.ReadAllBytes(dir.File("leaf.der")));
    }
}
