using TlsEngine.Codec;

namespace TlsEngine.Tests.Support;

/// <summary>The bytes an in-place encoder writes, for tests that build extension_data to splice into a message.</summary>
internal static class Encoded
{
    public static byte[] Of(Action<TlsWriter> write)
    {
        using var w = new TlsWriter();
        write(w);
        return w.ToArray();
    }
}
