using System.Globalization;
using System.Text.RegularExpressions;
using TlsEngine.Crypto;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>
/// The handshake messages in an openssl <c>-trace -msgfile FILE</c> log, with the direction openssl saw them in. This is
/// what openssl itself decoded, so it pins the negotiated values independently of our engine's view.
/// </summary>
public sealed partial class OpenSslTrace
{
    public sealed record Message(bool Sent, string Name, int Length, IReadOnlyList<string> Lines);

    /// <summary>A record header: outer content type, length on the wire, and (once protected) the inner content type.</summary>
    public sealed record Record(bool Sent, int ContentType, int Length, int? InnerContentType);

    private OpenSslTrace(IReadOnlyList<Message> messages, IReadOnlyList<Record> records)
    {
        Messages = messages;
        Records = records;
    }

    public IReadOnlyList<Message> Messages { get; }
    public IReadOnlyList<Record> Records { get; }

    public static OpenSslTrace Load(string path) => Parse(File.Exists(path) ? File.ReadAllLines(path) : []);

    public static OpenSslTrace Parse(IEnumerable<string> lines)
    {
        var messages = new List<Message>();
        var records = new List<Record>();
        bool sent = false;
        string? name = null;
        int length = 0;
        var body = new List<string>();
        void Flush()
        {
            if (name is not null) messages.Add(new Message(sent, name, length, body.ToArray()));
            name = null;
            body.Clear();
        }
        foreach (var line in lines)
        {
            if (line.StartsWith("Sent Record", StringComparison.Ordinal) || line.StartsWith("Received Record", StringComparison.Ordinal))
            {
                Flush();
                sent = line.StartsWith("Sent", StringComparison.Ordinal);
                records.Add(new Record(sent, 0, 0, null));
                continue;
            }
            var h = RecordField().Match(line);
            if (h.Success && records.Count > 0 && name is null)
            {
                int value = int.Parse(h.Groups[2].Success ? h.Groups[2].Value : h.Groups[3].Value, CultureInfo.InvariantCulture);
                records[^1] = h.Groups[1].Value switch
                {
                    "Content Type" => records[^1] with { ContentType = value },
                    "Length" => records[^1] with { Length = value },
                    _ => records[^1] with { InnerContentType = value },
                };
                continue;
            }
            var m = MessageHeader().Match(line);
            if (m.Success)
            {
                Flush();
                name = m.Groups[1].Value;
                length = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                continue;
            }
            if (name is not null) body.Add(line);
        }
        Flush();
        return new OpenSslTrace(messages, records);
    }

    public IEnumerable<Message> Named(string name, bool sent) => Messages.Where(m => m.Name == name && m.Sent == sent);

    /// <summary>Number of ClientHello messages sent (client trace) or received (server trace): 2 after a HelloRetryRequest.</summary>
    public int ClientHelloCount(bool sent) => Named("ClientHello", sent).Count();

    /// <summary>The groups of the key shares in the n-th ClientHello.</summary>
    public IReadOnlyList<NamedGroup> KeyShareGroups(bool sent, int index)
    {
        var hello = Named("ClientHello", sent).ElementAtOrDefault(index);
        if (hello is null) return [];
        return hello.Lines.Select(l => NamedGroupLine().Match(l)).Where(m => m.Success)
            .Select(m => (NamedGroup)ushort.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>True if the n-th ClientHello carries the extension (as openssl names it, e.g. "cookie_ext").</summary>
    public bool ClientHelloHasExtension(bool sent, int index, string extension) =>
        Named("ClientHello", sent).ElementAtOrDefault(index)?.Lines
            .Any(l => l.TrimStart().StartsWith($"extension_type={extension}(", StringComparison.Ordinal)) == true;

    /// <summary>The key_share group of the last ServerHello (the real one when a HelloRetryRequest came first).</summary>
    public NamedGroup? ServerHelloGroup(bool sent)
    {
        var hello = Named("ServerHello", sent).LastOrDefault();
        var m = hello?.Lines.Select(l => NamedGroupLine().Match(l)).FirstOrDefault(x => x.Success);
        return m is null ? null : (NamedGroup)ushort.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The cipher suite of the last ServerHello.</summary>
    public CipherSuite? ServerHelloSuite(bool sent)
    {
        var hello = Named("ServerHello", sent).LastOrDefault();
        var m = hello?.Lines.Select(l => CipherSuiteLine().Match(l)).FirstOrDefault(x => x.Success);
        if (m is null) return null;
        return (CipherSuite)(ushort)((Convert.ToInt32(m.Groups[1].Value, 16) << 8) | Convert.ToInt32(m.Groups[2].Value, 16));
    }

    /// <summary>The scheme of the CertificateVerify openssl sent or received.</summary>
    public SignatureScheme? CertificateVerifyScheme(bool sent)
    {
        var cv = Named("CertificateVerify", sent).LastOrDefault();
        var m = cv?.Lines.Select(l => SignatureAlgorithmLine().Match(l)).FirstOrDefault(x => x.Success);
        return m is null ? null : (SignatureScheme)Convert.ToUInt16(m.Groups[1].Value, 16);
    }

    /// <summary>KeyUpdate messages in one direction: true for update_requested, false for update_not_requested.</summary>
    public IReadOnlyList<bool> KeyUpdates(bool sent) =>
        Named("KeyUpdate", sent).Select(m => m.Lines.Any(l => l.Contains("update_requested", StringComparison.Ordinal)
            && !l.Contains("update_not_requested", StringComparison.Ordinal))).ToList();

    public override string ToString() =>
        string.Join(", ", Messages.Select(m => (m.Sent ? "sent " : "received ") + m.Name));

    /// <summary>Protected records (outer type application_data, 23) in one direction, with their inner content type.</summary>
    public IEnumerable<Record> ProtectedRecords(bool sent) => Records.Where(r => r.Sent == sent && r.ContentType == 23 && r.InnerContentType is not null);

    /// <summary>The declared length of the first handshake message with this name.</summary>
    public int? MessageLength(string name, bool sent)
    {
        var m = Named(name, sent).FirstOrDefault();
        return m is null ? null : m.Length;
    }

    [GeneratedRegex(@"^  (Content Type|Length|Inner Content Type) = (?:.*\((\d+)\)|(\d+))\s*$")]
    private static partial Regex RecordField();

    [GeneratedRegex(@"^    ([A-Za-z]+), Length=(\d+)")]
    private static partial Regex MessageHeader();

    [GeneratedRegex(@"NamedGroup: .*\((\d+)\)\s*$")]
    private static partial Regex NamedGroupLine();

    [GeneratedRegex(@"cipher_suite \{0x([0-9A-Fa-f]{2}), 0x([0-9A-Fa-f]{2})\}")]
    private static partial Regex CipherSuiteLine();

    [GeneratedRegex(@"Signature Algorithm: \S+ \(0x([0-9A-Fa-f]{4})\)")]
    private static partial Regex SignatureAlgorithmLine();
}
