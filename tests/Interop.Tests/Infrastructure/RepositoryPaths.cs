using System.Reflection;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Paths the build recorded in this assembly's metadata (see the csproj).</summary>
public static class RepositoryPaths
{
    private static string? Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>The checkout root (holds TlsEngine.sln and interop/).</summary>
    public static string Root
    {
        get
        {
            var recorded = Metadata("RepositoryRoot");
            if (recorded is not null && File.Exists(Path.Combine(recorded, "interop", "gen-certs.sh"))) return recorded;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "interop", "gen-certs.sh"))) return dir.FullName;
            }
            throw new InvalidOperationException("cannot find the repository root (interop/gen-certs.sh) above " + AppContext.BaseDirectory);
        }
    }

    public static string GenCertsScript => Path.Combine(Root, "interop", "gen-certs.sh");

    public static string GenOcspPkiScript => Path.Combine(Root, "interop", "gen-ocsp-pki.sh");

    /// <summary>TlsEngine.Cli.dll as built next to this test project (same configuration).</summary>
    public static string CliDll
    {
        get
        {
            var recorded = Metadata("TlsEngineCliDll");
            if (recorded is not null && File.Exists(recorded)) return recorded;
            throw new InvalidOperationException($"the CLI was not built at {recorded}; build tests/Interop.Tests (it references src/Cli)");
        }
    }
}
