using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace TlsEngine.X509;

/// <summary>A fetched, validated OCSP response and when to fetch the next one.</summary>
public sealed record OcspFetchResult(byte[] Response, OcspCheckResult Check, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Fetches OCSP responses over HTTP (RFC 6960 Appendix A): GET with the base64 request in the URL when it is shorter
/// than 255 bytes, POST with <c>application/ocsp-request</c> otherwise; a nonce ties each response to its request.
/// Valid responses are cached per certificate until a refresh point halfway between thisUpdate and nextUpdate
/// (at most <see cref="MaxCacheTime"/> when nextUpdate is absent). Thread-safe.
/// </summary>
public sealed class OcspClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, OcspFetchResult> _cache = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<OcspFetchResult>>> _inFlight = new();

    public OcspClient(HttpClient? http = null, TimeProvider? time = null)
    {
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Longest a response without nextUpdate is reused. Default 1 hour.</summary>
    public TimeSpan MaxCacheTime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Use a nonce (RFC 6960 §4.4.1). Default true; some CDN-fronted responders ignore nonces.</summary>
    public bool UseNonce { get; init; } = true;

    /// <summary>Use GET for requests under 255 bytes (RFC 6960 Appendix A.1); false always POSTs. Default true.</summary>
    public bool PreferGet { get; init; } = true;

    /// <summary>The cached result for a certificate, if still fresh enough to use (before its expiry).</summary>
    public OcspFetchResult? Cached(Certificate certificate, Certificate issuer)
    {
        if (_cache.TryGetValue(Key(certificate, issuer), out var r) && _time.GetUtcNow() < r.ExpiresAt) return r;
        return null;
    }

    /// <summary>
    /// Returns a cached response before its refresh point, otherwise asks the responder named in the certificate's
    /// AIA (or <paramref name="responder"/>). Throws <see cref="OcspFetchException"/> when no valid response could be had.
    /// </summary>
    public Task<OcspFetchResult> FetchAsync(Certificate certificate, Certificate issuer, Uri? responder = null, CancellationToken ct = default)
    {
        string key = Key(certificate, issuer);
        if (_cache.TryGetValue(key, out var cached) && _time.GetUtcNow() < cached.RefreshAt) return Task.FromResult(cached);
        // One request per certificate at a time: concurrent callers share it; it leaves the table before it completes.
        return _inFlight.GetOrAdd(key, _ => new Lazy<Task<OcspFetchResult>>(() => FetchCoreAsync(key, certificate, issuer, responder, ct))).Value;
    }

    private async Task<OcspFetchResult> FetchCoreAsync(string key, Certificate certificate, Certificate issuer, Uri? responder, CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            return await FetchUncachedAsync(key, certificate, issuer, responder, ct).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task<OcspFetchResult> FetchUncachedAsync(string key, Certificate certificate, Certificate issuer, Uri? responder, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var url = responder ?? RevocationInfo.OcspResponders(certificate).FirstOrDefault()
            ?? throw new OcspFetchException($"'{certificate.Subject}' names no OCSP responder (Authority Information Access)");
        var request = OcspRequest.Create(certificate, issuer, UseNonce);
        byte[] body = await SendAsync(url, request.Encoded, ct).ConfigureAwait(false);
        now = _time.GetUtcNow();
        var check = OcspValidator.Validate(body, certificate, issuer, new OcspValidationOptions
        {
            Time = now,
            ExpectedNonce = UseNonce ? request.NonceExtensionValue : null,
        });
        if (!check.IsValid)
            throw new OcspFetchException($"OCSP response from {url} rejected: {check.Message}");
        var single = check.Single!;
        var expires = single.NextUpdate ?? now + MaxCacheTime;
        var refresh = single.NextUpdate is { } next ? single.ThisUpdate + (next - single.ThisUpdate) / 2 : now + MaxCacheTime / 2;
        if (refresh < now) refresh = now + TimeSpan.FromSeconds(30);
        var result = new OcspFetchResult(body, check, refresh, expires);
        _cache[key] = result;
        return result;
    }

    private async Task<byte[]> SendAsync(Uri url, byte[] request, CancellationToken ct)
    {
        try
        {
            HttpResponseMessage response;
            string encoded = Uri.EscapeDataString(Convert.ToBase64String(request));
            if (PreferGet && encoded.Length < 255)
            {
                var get = new Uri(url.AbsoluteUri.TrimEnd('/') + "/" + encoded);
                response = await _http.GetAsync(get, ct).ConfigureAwait(false);
            }
            else
            {
                var content = new ByteArrayContent(request);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
                response = await _http.PostAsync(url, content, ct).ConfigureAwait(false);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                    throw new OcspFetchException($"OCSP responder {url} answered HTTP {(int)response.StatusCode}");
                var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                if (bytes.Length > 1 << 20)
                    throw new OcspFetchException($"OCSP response from {url} is larger than 1 MiB");
                return bytes;
            }
        }
        catch (HttpRequestException e)
        {
            throw new OcspFetchException($"OCSP responder {url} unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new OcspFetchException($"OCSP responder {url} timed out", e);
        }
    }

    private static string Key(Certificate certificate, Certificate issuer) =>
        Convert.ToHexString(certificate.SerialNumber.Span) + "/" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(OcspCertId.SubjectPublicKeyBits(issuer)));

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}

/// <summary>No usable OCSP response could be obtained (network, HTTP, or validation failure).</summary>
public sealed class OcspFetchException : X509Exception
{
    public OcspFetchException(string message)
        : base(message)
    {
    }

    public OcspFetchException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
