using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace TlsEngine.Hsm;

/// <summary>
/// A PKCS#11 module (Cryptoki library) loaded once per process and never unloaded. PKCS#11 v2.40 §5.4 makes C_Initialize /
/// C_Finalize process-wide: a second load of the same module followed by its C_Finalize would end every session of
/// the first, so each module path maps to exactly one instance here. It is initialised with CKF_OS_LOCKING_OK
/// (<see cref="AppType.MultiThreaded"/>) so sessions can be used from several threads at once, one thread per session.
/// </summary>
public sealed class Pkcs11Module
{
    /// <summary>Environment variable that overrides the default module path.</summary>
    public const string ModuleEnvironmentVariable = "TLSENGINE_PKCS11_MODULE";

    /// <summary>Debian's SoftHSM2 module, used when neither the URI nor <see cref="ModuleEnvironmentVariable"/> names one.</summary>
    public const string SoftHsmModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>Directories searched for "module-name" (RFC 7512 §2.4): lib&lt;name&gt;.so or &lt;name&gt;.so.</summary>
    internal static readonly string[] ModuleDirectories =
    [
        "/usr/lib/x86_64-linux-gnu/pkcs11", "/usr/lib/aarch64-linux-gnu/pkcs11", "/usr/lib64/pkcs11", "/usr/lib/pkcs11",
        "/usr/local/lib/pkcs11", "/usr/lib/softhsm", "/usr/lib/x86_64-linux-gnu/softhsm", "/usr/lib/aarch64-linux-gnu/softhsm",
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
    ];

    private static readonly ConcurrentDictionary<string, Lazy<Pkcs11Module>> Loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, Pkcs11SessionPool> _pools = new();

    static Pkcs11Module() => InstallLibdlResolver();

    private Pkcs11Module(string path, Pkcs11InteropFactories factories, IPkcs11Library library)
    {
        Path = path;
        Factories = factories;
        Library = library;
    }

    /// <summary>The module's file path.</summary>
    public string Path { get; }

    internal Pkcs11InteropFactories Factories { get; }

    internal IPkcs11Library Library { get; }

    /// <summary>The module used when a URI has no module attribute: $TLSENGINE_PKCS11_MODULE, else <see cref="SoftHsmModulePath"/>.</summary>
    public static string DefaultModulePath =>
        Environment.GetEnvironmentVariable(ModuleEnvironmentVariable) is { Length: > 0 } p ? p : SoftHsmModulePath;

    /// <summary>Loads (once per process) the module a URI names through module-path or module-name, or the default one.</summary>
    public static Pkcs11Module ForUri(Pkcs11Uri uri) =>
        Load(uri.ModulePath ?? (uri.ModuleName is { } name ? ResolveModuleName(name) : DefaultModulePath));

    /// <summary>Loads a module by path, or returns the instance this process already loaded.</summary>
    /// <exception cref="HsmException">The file is missing or C_Initialize failed.</exception>
    public static Pkcs11Module Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var key = CanonicalPath(full);
        var lazy = Loaded.GetOrAdd(key, _ => new Lazy<Pkcs11Module>(() => LoadOnce(full), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Loaded.TryRemove(new KeyValuePair<string, Lazy<Pkcs11Module>>(key, lazy)); // let a later call try again
            throw;
        }
    }

    /// <summary>
    /// The file a module path finally refers to, so that one file is loaded once whatever the path
    /// (/usr/lib/softhsm/libsofthsm2.so is a symlink to the multiarch directory).
    /// </summary>
    internal static string CanonicalPath(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
    }

    private static Pkcs11Module LoadOnce(string path)
    {
        if (!File.Exists(path))
            throw new HsmException($"PKCS#11 module {path} does not exist (set module-path in the URI or {ModuleEnvironmentVariable})");
        var factories = new Pkcs11InteropFactories();
        try
        {
            var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
            return new Pkcs11Module(path, factories, library);
        }
        catch (Pkcs11Exception e)
        {
            throw new HsmException($"PKCS#11 module {path}: {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}" +
                (e.RV == CKR.CKR_GENERAL_ERROR ? " (for SoftHSM: does the tokendir of SOFTHSM2_CONF exist?)" : ""), e);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or UnmanagedException)
        {
            throw new HsmException($"cannot load PKCS#11 module {path}: {e.Message}", e);
        }
    }

    /// <summary>Finds lib&lt;name&gt;.so or &lt;name&gt;.so (case-insensitive) in <see cref="ModuleDirectories"/>.</summary>
    internal static string ResolveModuleName(string name)
    {
        string[] candidates = [$"lib{name}.so", $"{name}.so"];
        foreach (var dir in ModuleDirectories)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*.so"))
            {
                var fileName = System.IO.Path.GetFileName(file);
                if (candidates.Any(c => string.Equals(c, fileName, StringComparison.OrdinalIgnoreCase)))
                    return file;
            }
        }
        throw new HsmException($"PKCS#11 module-name '{name}' was not found as lib{name}.so or {name}.so in {string.Join(", ", ModuleDirectories)}; use module-path");
    }

    /// <summary>Slots with a token present (C_GetSlotList with tokenPresent = TRUE).</summary>
    internal List<ISlot> SlotsWithTokens()
    {
        try
        {
            return Library.GetSlotList(SlotsType.WithTokenPresent);
        }
        catch (Pkcs11Exception e)
        {
            throw new HsmException($"PKCS#11 module {Path}: {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}", e);
        }
    }

    /// <summary>The session pool of a token: one per slot, shared by every key on it, because login is per token (PKCS#11 v2.40 §5.5).</summary>
    internal Pkcs11SessionPool PoolFor(ISlot slot) => _pools.GetOrAdd(slot.SlotId, _ => new Pkcs11SessionPool(this, slot));

    public override string ToString() => $"PKCS#11 module {Path}";

    /// <summary>
    /// Pkcs11Interop calls dlopen through "libdl"; glibc ≥ 2.34 ships only libdl.so.2, so map the name (one resolver per
    /// assembly may be set: if the host application set one already, keep it).
    /// </summary>
    private static void InstallLibdlResolver()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, static (name, assembly, searchPath) =>
                name == "libdl" && NativeLibrary.TryLoad("libdl.so.2", assembly, searchPath, out var handle) ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already installed for Pkcs11Interop by the host application.
        }
    }
}
