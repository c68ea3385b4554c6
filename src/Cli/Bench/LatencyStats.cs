using System.Globalization;

namespace TlsEngine.Cli.Bench;

/// <summary>Latency samples of one run, merged from the workers after it ends.</summary>
internal sealed class LatencyStats
{
    private readonly List<double> _ms = [];

    public int Count => _ms.Count;

    public void Add(IEnumerable<double> milliseconds) => _ms.AddRange(milliseconds);

    public double Percentile(double p)
    {
        if (_ms.Count == 0) return double.NaN;
        _ms.Sort();
        int index = (int)Math.Ceiling(p / 100 * _ms.Count) - 1;
        return _ms[Math.Clamp(index, 0, _ms.Count - 1)];
    }

    public static string Ms(double value) =>
        double.IsNaN(value) ? "-" : value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
}
