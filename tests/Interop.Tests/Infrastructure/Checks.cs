namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Collects every mismatch of one scenario, so that one failure report shows all of them.</summary>
public sealed class Checks(string scenario)
{
    private readonly List<string> _failures = [];

    public string Scenario { get; } = scenario;
    public IReadOnlyList<string> Failures => _failures;
    public bool Passed => _failures.Count == 0;

    public void Expect(bool condition, string what)
    {
        if (!condition) _failures.Add(what);
    }

    public void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) _failures.Add($"{what}: expected {Show(expected)}, got {Show(actual)}");
    }

    public void Fail(string what) => _failures.Add(what);

    private static string Show<T>(T v) => v is null ? "(none)" : v.ToString()!;

    public string Report(string? evidence = null) =>
        $"{Scenario}:\n  - {string.Join("\n  - ", _failures)}" + (evidence is null ? "" : $"\n  evidence:\n{evidence}");
}
