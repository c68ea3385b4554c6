using TlsEngine.X509;

namespace TlsEngine;

/// <summary>
/// Keeps a fresh OCSP staple for a server certificate: fetches it from the responder named in the certificate
/// (through <see cref="OcspClient"/>) and refreshes it in the background at the client's refresh point. A failed
/// refresh keeps serving the last valid response until it expires, reports the failure through
/// <see cref="RefreshFailed"/> and the "tlsengine.ocsp.refresh_failures" metric, and retries. Handshakes only read
/// <see cref="Current"/>; they never wait on the responder.
/// </summary>
public sealed class OcspStapler : IOcspStapleSource, IAsyncDisposable
{
    private readonly Certificate _leaf;
    private readonly Certificate _issuer;
    private readonly OcspClient _client;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private volatile OcspFetchResult? _latest;
    private Task? _loop;

    /// <summary>Staples for <paramref name="certificate"/>'s leaf; its issuer is the chain's second certificate unless <paramref name="issuer"/> is given.</summary>
    public OcspStapler(TlsCertificate certificate, OcspClient client, Certificate? issuer = null, TimeProvider? time = null)
    {
        _leaf = certificate.Leaf;
        _issuer = issuer ?? (certificate.Chain.Count > 1 ? certificate.Chain[1]
            : throw new ArgumentException("the chain has no issuer certificate; pass it explicitly", nameof(issuer)));
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Smallest wait between failed attempts. Default 10 seconds, doubling to 10 minutes.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Raised after each failed refresh (on a pool thread).</summary>
    public event Action<Exception>? RefreshFailed;

    /// <summary>The last valid response, while it has not expired.</summary>
    public ReadOnlyMemory<byte>? Current
    {
        get
        {
            // Not a conditional expression: null would convert to an empty ReadOnlyMemory through byte[].
            if (_latest is { } r && _time.GetUtcNow() < r.ExpiresAt) return r.Response;
            return null;
        }
    }

    /// <summary>The status in the last valid response, for display.</summary>
    public OcspCheckResult? LastCheck => _latest?.Check;

    /// <summary>Fetches the first staple (failing if that is impossible) and starts refreshing in the background.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        _latest = await _client.FetchAsync(_leaf, _issuer, ct: ct).ConfigureAwait(false);
        _loop = Task.Run(() => RefreshLoopAsync(_stop.Token), CancellationToken.None);
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        var failureDelay = RetryDelay;
        while (!ct.IsCancellationRequested)
        {
            var wait = (_latest?.RefreshAt ?? _time.GetUtcNow()) - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            try
            {
                _latest = await _client.FetchAsync(_leaf, _issuer, ct: ct).ConfigureAwait(false);
                failureDelay = RetryDelay;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (X509Exception e)
            {
                TlsMetrics.OcspRefreshFailed();
                RefreshFailed?.Invoke(e);
                try
                {
                    await Task.Delay(failureDelay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                failureDelay = TimeSpan.FromTicks(Math.Min(failureDelay.Ticks * 2, TimeSpan.FromMinutes(10).Ticks));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
