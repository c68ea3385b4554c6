namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Bounds for every wait, so that a hung peer fails a test instead of hanging the run.</summary>
public static class Timeouts
{
    /// <summary>One step: a process becoming ready, a handshake, a line of data arriving, a process exiting.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>A whole scenario (one matrix case, one negative test).</summary>
    public static readonly TimeSpan Case = TimeSpan.FromSeconds(20);

    public static CancellationTokenSource ForCase() => new(Case);
}
