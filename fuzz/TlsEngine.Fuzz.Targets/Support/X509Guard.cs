using TlsEngine.X509;

namespace TlsEngine.Fuzz.Support;

/// <summary>Runs an X.509-layer call whose typed failure (<see cref="X509Exception"/>) is an allowed outcome.</summary>
internal static class X509Guard
{
    public static void Run(Action action)
    {
        try
        {
            action();
        }
        catch (X509Exception)
        {
        }
    }
}
