using System.Runtime.InteropServices;

namespace TlsEngine.Hsm.Tests.Support;

/// <summary>
/// Environment variables a native library reads with getenv. On Unix, Environment.SetEnvironmentVariable changes only
/// .NET's own copy (child processes see it, the PKCS#11 module in this process does not), so also call libc's setenv.
/// </summary>
internal static partial class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows() && setenv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed");
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code, which the build disallows
    private static extern int setenv(string name, string value, int overwrite);
#pragma warning restore SYSLIB1054
}
