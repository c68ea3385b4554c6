namespace TlsEngine.Fuzz.Support;

/// <summary>A clock that always reads <see cref="FuzzPki.Now"/>, so certificate checks are the same on every run.</summary>
public sealed class FixedTime : TimeProvider
{
    public static FixedTime Instance { get; } = new();

    public override DateTimeOffset GetUtcNow() => FuzzPki.Now;
}
