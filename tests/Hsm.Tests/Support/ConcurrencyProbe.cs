using TlsEngine.Crypto;

namespace TlsEngine.Hsm.Tests.Support;

/// <summary>Wraps a signing key and records the most Sign calls that were in progress at the same moment.</summary>
public sealed class ConcurrencyProbe(ISigningKey inner) : ISigningKey
{
    private int _current;
    private int _max;
    private int _calls;

    public int MaxConcurrent => Volatile.Read(ref _max);
    public int Calls => Volatile.Read(ref _calls);
    public IReadOnlyList<SignatureScheme> Schemes => inner.Schemes;

    public byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> content)
    {
        int now = Interlocked.Increment(ref _current);
        Interlocked.Increment(ref _calls);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }
        try
        {
            return inner.Sign(scheme, content);
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }
}
