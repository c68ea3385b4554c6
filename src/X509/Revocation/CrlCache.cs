namespace TlsEngine.X509;

/// <summary>Supplies the certificate revocation lists to check during validation. Read on every handshake: cheap and thread-safe.</summary>
public interface ICrlSource
{
    IReadOnlyList<CertificateRevocationList> Current { get; }
}

/// <summary>
/// CRLs loaded from files and from distribution-point URLs (RFC 5280 §4.2.1.13), kept current: each is fetched again
/// halfway to its nextUpdate (or every <see cref="MaxRefreshInterval"/>), in the background. A failed refresh keeps the
/// previous CRL until its nextUpdate (the validator then reports it unusable). Signatures are verified at validation
/// time against the issuer in the path being validated (RFC 5280 §6.3.3). Thread-safe.
/// </summary>
public sealed class CrlCache : ICrlSource, IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly List<Source> _sources = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile IReadOnlyList<CertificateRevocationList> _current = [];
    private Task? _loop;

    public CrlCache(HttpClient? http = null, TimeProvider? time = null)
    {
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Longest time between refreshes of one CRL. Default 1 hour.</summary>
    public TimeSpan MaxRefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest CRL accepted from a URL. Default 16 MiB.</summary>
    public int MaxCrlBytes { get; init; } = 16 << 20;

    /// <summary>Raised when a refresh fails (after start-up), with the source and the reason.</summary>
    public event Action<string, Exception>? RefreshFailed;

    public IReadOnlyList<CertificateRevocationList> Current => _current;

    /// <summary>Adds a CRL file (PEM or DER); read at <see cref="StartAsync"/> and on every refresh.</summary>
    public CrlCache AddFile(string path)
    {
        _sources.Add(new Source(path, null));
        return this;
    }

    /// <summary>Adds a CRL distribution point URL (http or https).</summary>
    public CrlCache AddUrl(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException("CRLs are fetched over http or https", nameof(url));
        _sources.Add(new Source(url.AbsoluteUri, url));
        return this;
    }

    /// <summary>Adds the distribution points a certificate names.</summary>
    public CrlCache AddDistributionPoints(Certificate certificate)
    {
        foreach (var url in RevocationInfo.CrlDistributionPoints(certificate)) AddUrl(url);
        return this;
    }

    /// <summary>Loads every source once (throwing when one cannot be loaded), then refreshes in the background.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        foreach (var s in _sources) await LoadAsync(s, ct).ConfigureAwait(false);
        Publish();
        _loop = Task.Run(() => RefreshLoopAsync(_stop.Token), CancellationToken.None);
    }

    private async Task LoadAsync(Source source, CancellationToken ct)
    {
        byte[] bytes;
        if (source.Url is null)
        {
            bytes = await File.ReadAllBytesAsync(source.Name, ct).ConfigureAwait(false);
        }
        else
        {
            using var response = await _http.GetAsync(source.Url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new X509Exception($"CRL {source.Name}: HTTP {(int)response.StatusCode}");
            if (response.Content.Headers.ContentLength > MaxCrlBytes)
                throw new X509Exception($"CRL {source.Name} is larger than {MaxCrlBytes} bytes");
            bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (bytes.Length > MaxCrlBytes)
                throw new X509Exception($"CRL {source.Name} is larger than {MaxCrlBytes} bytes");
        }
        var crls = CertificateRevocationList.Load(bytes);
        if (crls.Count == 0) throw new X509Exception($"CRL {source.Name} holds no CRL");
        source.Crls = crls;
        var now = _time.GetUtcNow();
        var nextUpdate = crls.Min(c => c.NextUpdate ?? now + MaxRefreshInterval);
        var half = crls[0].ThisUpdate + (nextUpdate - crls[0].ThisUpdate) / 2;
        source.RefreshAt = half < now ? now + TimeSpan.FromMinutes(1) : (half - now > MaxRefreshInterval ? now + MaxRefreshInterval : half);
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = _sources.Count == 0 ? now + MaxRefreshInterval : _sources.Min(s => s.RefreshAt);
            try
            {
                if (next > now) await Task.Delay(next - now, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var s in _sources.Where(s => s.RefreshAt <= _time.GetUtcNow()))
            {
                try
                {
                    await LoadAsync(s, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is X509Exception or IOException or HttpRequestException or TaskCanceledException)
                {
                    s.RefreshAt = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
                    RefreshFailed?.Invoke(s.Name, e);
                }
            }
            Publish();
        }
    }

    private void Publish() => _current = _sources.SelectMany(s => s.Crls).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
        if (_ownsHttp) _http.Dispose();
    }

    private sealed class Source(string name, Uri? url)
    {
        public string Name { get; } = name;
        public Uri? Url { get; } = url;
        public IReadOnlyList<CertificateRevocationList> Crls { get; set; } = [];
        public DateTimeOffset RefreshAt { get; set; }
    }
}

/// <summary>A fixed set of CRLs.</summary>
public sealed class StaticCrlSource(IReadOnlyList<CertificateRevocationList> crls) : ICrlSource
{
    public IReadOnlyList<CertificateRevocationList> Current { get; } = crls;
}
