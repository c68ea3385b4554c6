using System.Net;
using System.Net.Sockets;

namespace TlsEngine.X509;

/// <summary>Reference-identity checks of the end-entity certificate (RFC 6125 §6.4 for DNS, byte equality for IP).</summary>
public static class NameMatching
{
    /// <summary>
    /// True if some dNSName of <paramref name="certificate"/> matches <paramref name="referenceName"/>. The subject CN is
    /// never consulted (RFC 6125 §6.4.4 fallback is not used).
    /// </summary>
    public static bool MatchesDnsName(Certificate certificate, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        // Each dNSName's IA5 text (checked to be 7-bit when read) is compared as characters: no string per name.
        Span<char> stack = stackalloc char[256];
        foreach (GeneralName name in certificate.SubjectAltNameArray)
        {
            if (name.Kind != GeneralNameKind.DnsName)
                continue;
            ReadOnlySpan<byte> raw = name.RawValue.Span;
            char[]? rented = null;
            Span<char> presented = raw.Length <= stack.Length ? stack : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(raw.Length));
            System.Text.Ascii.ToUtf16(raw, presented, out int written);
            bool match = MatchesDnsName(presented[..written], referenceName);
            if (rented is not null)
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            if (match)
                return true;
        }
        return false;
    }

    /// <summary>
    /// RFC 6125 §6.4.1/§6.4.3: case-insensitive label-by-label comparison; a wildcard is allowed only as the complete
    /// left-most label, matches exactly one non-empty label, and never covers a single remaining label (<c>*.com</c>).
    /// Names that are not valid host names (RFC 1123 letters, digits and hyphens) never match.
    /// </summary>
    public static bool MatchesDnsName(string presented, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(presented);
        return MatchesDnsName(presented.AsSpan(), referenceName);
    }

    private static bool MatchesDnsName(ReadOnlySpan<char> presented, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(referenceName);
        ReadOnlySpan<char> reference = referenceName;
        if (reference.EndsWith('.'))
            reference = reference[..^1];
        if (!IsHostName(reference, allowWildcard: false))
            return false;
        ReadOnlySpan<char> pattern = presented;
        if (!IsHostName(pattern, allowWildcard: true))
            return false;
        if (pattern.StartsWith("*."))
        {
            ReadOnlySpan<char> suffix = pattern[1..]; // ".example.com"
            int dot = reference.IndexOf('.');
            return dot > 0 && reference[dot..].Equals(suffix, StringComparison.OrdinalIgnoreCase);
        }
        return reference.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True if some iPAddress subjectAltName equals <paramref name="address"/> byte for byte.</summary>
    public static bool MatchesIpAddress(Certificate certificate, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return false;
        Span<byte> wanted = stackalloc byte[16];
        if (!address.TryWriteBytes(wanted, out int length))
            return false;
        wanted = wanted[..length];
        foreach (GeneralName name in certificate.SubjectAlternativeNames)
        {
            if (name.Kind == GeneralNameKind.IpAddress && name.RawValue.Span.SequenceEqual(wanted))
                return true;
        }
        return false;
    }

    /// <summary>
    /// True if some rfc822Name subjectAltName of <paramref name="certificate"/> equals <paramref name="address"/> under
    /// RFC 5280 §7.5: the local part compared exactly, the domain part without regard to case.
    /// </summary>
    public static bool MatchesEmailAddress(Certificate certificate, string address)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(address);
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
            return false;
        foreach (string presented in certificate.EmailAddresses)
        {
            int pat = presented.LastIndexOf('@');
            if (pat == at && presented.AsSpan(0, at).SequenceEqual(address.AsSpan(0, at))
                && presented.AsSpan(at + 1).Equals(address.AsSpan(at + 1), StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>
    /// RFC 1123 §2.1 host name syntax: dot-separated labels of 1–63 letters, digits and hyphens, not starting or
    /// ending with a hyphen, at most 253 characters. With <paramref name="allowWildcard"/>, the first label may be
    /// exactly <c>*</c> when at least two labels follow it.
    /// </summary>
    internal static bool IsHostName(ReadOnlySpan<char> name, bool allowWildcard)
    {
        if (name.IsEmpty || name.Length > 253)
            return false;
        int labels = 0;
        bool wildcard = false;
        while (true)
        {
            int dot = name.IndexOf('.');
            ReadOnlySpan<char> label = dot < 0 ? name : name[..dot];
            if (labels == 0 && allowWildcard && label is "*")
                wildcard = true;
            else if (!IsLabel(label))
                return false;
            labels++;
            if (dot < 0)
                break;
            name = name[(dot + 1)..];
        }
        // "*.com" would cover a whole top-level domain; require two labels after the wildcard.
        return !wildcard || labels >= 3;
    }

    private static bool IsLabel(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            return false;
        foreach (char c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                return false;
        }
        return true;
    }
}
