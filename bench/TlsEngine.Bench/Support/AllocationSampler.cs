using System.Diagnostics.Tracing;

namespace TlsEngine.Bench.Support;

/// <summary>
/// Samples managed allocations by type through the runtime's GCAllocationTick event (one event per ~100 KB allocated,
/// naming the type of the allocation that crossed the threshold): over enough operations, the share of samples per
/// type approximates the share of bytes. A poor man's allocation profiler that needs no tools.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytesByType = [];
    private bool _enabled;

    public long Samples { get; private set; }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick is verbose
    }

    public void Start() => _enabled = true;

    public void Stop() => _enabled = false;

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_enabled || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            return;
        int typeIndex = e.PayloadNames!.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        string type = typeIndex >= 0 ? e.Payload[typeIndex] as string ?? "?" : "?";
        long amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex]) : 100_000;
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
            Samples++;
        }
    }

    public IEnumerable<(string Type, long Bytes)> Top(int count)
    {
        lock (_bytesByType)
            return _bytesByType.OrderByDescending(kv => kv.Value).Take(count).Select(kv => (kv.Key, kv.Value)).ToList();
    }
}
