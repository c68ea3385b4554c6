using System.Diagnostics;
using System.Diagnostics.Metrics;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// The "TlsEngine" meter (System.Diagnostics.Metrics): handshakes, failures by alert, handshake duration, and the days
/// left before the peer's certificate expires. Listen with dotnet-counters, OpenTelemetry or a MeterListener.
/// </summary>
public static class TlsMetrics
{
    public const string MeterName = "TlsEngine";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Handshakes = Meter.CreateCounter<long>("tlsengine.handshakes", description: "Handshakes completed");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("tlsengine.failures", description: "Connections ended by a fatal alert, by alert and side");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("tlsengine.handshake.duration", "ms", "Handshake duration, first flight to completion");
    private static readonly Histogram<double> DaysToExpiry = Meter.CreateHistogram<double>("tlsengine.peer_certificate.days_to_expiry", "d", "Days until the verified peer certificate expires");

    private static readonly Counter<long> OcspRefreshFailures = Meter.CreateCounter<long>("tlsengine.ocsp.refresh_failures", description: "Failed OCSP staple refreshes");

    internal static void OcspRefreshFailed() => OcspRefreshFailures.Add(1);

    internal static void HandshakeCompleted(bool server, long startTimestamp, PeerIdentity? peer, DateTimeOffset now)
    {
        var role = new KeyValuePair<string, object?>("role", server ? "server" : "client");
        Handshakes.Add(1, role);
        Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, role);
        if (peer is not null)
            DaysToExpiry.Record((peer.Certificate.NotAfter - now).TotalDays, role);
    }

    internal static void Failed(bool server, TlsAlertException e) =>
        Failures.Add(1,
            new KeyValuePair<string, object?>("role", server ? "server" : "client"),
            new KeyValuePair<string, object?>("alert", AlertDescriptions.Name(e.Alert)),
            new KeyValuePair<string, object?>("sent_by", e.ReceivedFromPeer ? "peer" : "local"));
}
