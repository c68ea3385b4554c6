namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// The test PKI, generated once per test run by interop/gen-certs.sh into a temporary directory that is deleted at the
/// end. Generation is lazy so that a machine without openssl skips (or, under CI, fails) each test through
/// <see cref="ExternalTool.Require"/> instead of failing the fixture.
/// </summary>
public sealed class PkiFixture : IDisposable
{
    private readonly Lazy<string> _dir;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tlsengine-interop-" + Guid.NewGuid().ToString("N"));

    public PkiFixture()
    {
        _dir = new Lazy<string>(Generate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Requires openssl (skip/fail per ExternalTool) and returns the PKI directory.</summary>
    public string Dir
    {
        get
        {
            ExternalTool.Require("openssl");
            return _dir.Value;
        }
    }

    public string File(string name)
    {
        var path = Path.Combine(Dir, name);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"gen-certs.sh did not produce {name}", path);
        return path;
    }

    public string Ca(KeyType k) => File($"ca-{k.FilePart()}.pem");
    public (string Cert, string Key) Server(KeyType k) => (File($"server-{k.FilePart()}.pem"), File($"server-{k.FilePart()}.key"));
    public (string Cert, string Key) Client(KeyType k) => (File($"client-{k.FilePart()}.pem"), File($"client-{k.FilePart()}.key"));

    /// <summary>Negative-test material by base name: untrusted-ca, client-untrusted, server-untrusted, server-expired, client-expired, server-wrongname.</summary>
    public (string Cert, string Key) Named(string name) => (File($"{name}.pem"), File($"{name}.key"));

    /// <summary>A fresh path for an openssl -msgfile trace (deleted with the PKI).</summary>
    public string NewTraceFile(string tag)
    {
        var dir = Path.Combine(Dir, "traces");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"{tag}-{Guid.NewGuid():N}.trace");
    }

    private string Generate()
    {
        ExternalTool.Run("bash", [RepositoryPaths.GenCertsScript, _root], timeout: TimeSpan.FromSeconds(60));
        return _root;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>All interop tests share one PKI (and run one class at a time; the matrix parallelises inside).</summary>
[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<PkiFixture>
{
    public const string Name = "OpenSSL interop";
}
