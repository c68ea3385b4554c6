using System.Diagnostics.Metrics;
using TlsEngine.Record;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

public class MetricsTests
{
    [Fact]
    public void HandshakesAndFailuresAreCounted()
    {
        var measurements = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TlsMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i.Name, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i.Name, v, tags));
        listener.Start();

        var (c, s) = Loopback.MutualOptions();
        using (var loop = new Loopback(c, s)) loop.Handshake();
        c.Certificate = null;
        Loopback.ExpectFailure(c, s, out var failed);
        failed.Dispose();

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Name == "tlsengine.handshakes" && (string?)m.Tags["role"] == "server");
            Assert.Contains(measurements, m => m.Name == "tlsengine.handshake.duration" && m.Value >= 0);
            Assert.Contains(measurements, m => m.Name == "tlsengine.peer_certificate.days_to_expiry" && m.Value is > 20 and < 31);
            Assert.Contains(measurements, m => m.Name == "tlsengine.failures"
                && (string?)m.Tags["alert"] == AlertDescriptions.Name(AlertDescription.CertificateRequired) && (string?)m.Tags["sent_by"] == "local");
        }

        void Record(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var d = new Dictionary<string, object?>();
            foreach (var t in tags) d[t.Key] = t.Value;
            lock (measurements) measurements.Add((name, value, d));
        }
    }
}
