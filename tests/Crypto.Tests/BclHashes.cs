namespace TlsEngine.Crypto.Tests;

/// <summary>Runs the SHA-2 hashing on this thread through the BCL (as on a machine without libcrypto) until disposed.</summary>
internal static class BclHashes
{
    public static IDisposable Use(bool on)
    {
        Sha2Context.UseBclForTests = on;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Sha2Context.UseBclForTests = false;
    }
}
