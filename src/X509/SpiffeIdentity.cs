namespace TlsEngine.X509;

/// <summary>Syntax of SPIFFE IDs (SPIFFE-ID §2).</summary>
public static class SpiffeIdentity
{
    /// <summary>SPIFFE-ID §2.3: implementations must support IDs up to 2048 bytes; longer ones are rejected here.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// True if <paramref name="uri"/> is a valid SPIFFE ID: scheme <c>spiffe</c>, a non-empty lowercase trust domain of
    /// [a-z0-9.-_] without userinfo, port or percent-encoding (§2.1), and a path of non-empty segments of
    /// [a-zA-Z0-9.-_] that are not "." or "..", without a trailing "/", query or fragment (§2.2).
    /// </summary>
    public static bool IsValid(string? uri)
    {
        if (uri is null || uri.Length > MaxLength)
            return false;
        const string Scheme = "spiffe://";
        // §2.4: the scheme is case-insensitive.
        if (!uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        ReadOnlySpan<char> rest = uri.AsSpan(Scheme.Length);
        int slash = rest.IndexOf('/');
        ReadOnlySpan<char> trustDomain = slash < 0 ? rest : rest[..slash];
        if (trustDomain.IsEmpty || trustDomain.Length > 255)
            return false;
        foreach (char c in trustDomain)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
                return false;
        }
        if (slash < 0)
            return true;
        ReadOnlySpan<char> path = rest[(slash + 1)..];
        while (true)
        {
            int next = path.IndexOf('/');
            ReadOnlySpan<char> segment = next < 0 ? path : path[..next];
            if (segment.IsEmpty || segment is "." || segment is "..")
                return false;
            foreach (char c in segment)
            {
                if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_'))
                    return false;
            }
            if (next < 0)
                return true;
            path = path[(next + 1)..];
        }
    }
}
