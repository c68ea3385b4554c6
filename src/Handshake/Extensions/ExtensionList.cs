using TlsEngine.Codec;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Extensions;

/// <summary>
/// One extension: its type and its extension_data (RFC 8446 §4.2). A received extension's data is a slice of the
/// handshake message it came in, not a copy: it lives only as long as that message's memory (a received message is
/// cleared once its handler returns, see HandshakeJoiner), so whatever is kept beyond that is copied.
/// </summary>
internal readonly record struct Extension(ExtensionType Type, ReadOnlyMemory<byte> Data);

/// <summary>
/// An extension block (RFC 8446 §4.2): parsed with the rules that apply to every message — no duplicate types,
/// and a recognized extension only in the messages the §4.2 table allows (else illegal_parameter).
/// </summary>
internal sealed class ExtensionList
{
    public const int DefaultMaxCount = 64;

    private readonly Extension[] _items;

    /// <summary>A block of <paramref name="items"/> (copied), for messages built from parts.</summary>
    public ExtensionList(List<Extension> items) => _items = [.. items];

    // Parsing sizes the array to the block, so it is kept as is.
    private ExtensionList(Extension[] items) => _items = items;

    /// <summary>No extensions. Parsing returns this one instance for every empty block (most CertificateEntry blocks): nothing can add to it.</summary>
    public static readonly ExtensionList Empty = new(Array.Empty<Extension>());

    public int Count => _items.Length;
    public IReadOnlyList<Extension> Items => _items;

    public bool Contains(ExtensionType type) => Find(type) is not null;

    /// <summary>The extension_data of <paramref name="type"/>, or null when the block does not carry it.</summary>
    public ReadOnlyMemory<byte>? Find(ExtensionType type)
    {
        foreach (var e in _items)
        {
            if (e.Type == type) return e.Data;
        }
        return null;
    }

    /// <summary>
    /// Parses <c>Extension extensions&lt;min..2^16-1&gt;</c> for the message <paramref name="context"/>. When the
    /// reader reads from <paramref name="owner"/> (the whole handshake message), each extension's data is a slice of it;
    /// otherwise a copy.
    /// </summary>
    public static ExtensionList Parse(ref TlsReader reader, ExtensionContext context, int min = 0, int maxCount = DefaultMaxCount, ReadOnlyMemory<byte> owner = default)
    {
        var list = reader.ReadList16("extensions", min);
        if (list.IsEmpty) return Empty;
        // CountEntries is a lower bound on a malformed block, so the loop still checks the room left.
        var items = new Extension[Math.Min(CountEntries(list), maxCount + 1)];
        int count = 0;
        while (!list.IsEmpty)
        {
            var type = (ExtensionType)list.ReadU16("extension_type");
            var data = MemorySlice.Within(owner, list.ReadVector16("extension_data"));
            for (int i = 0; i < count; i++)
            {
                if (items[i].Type == type)
                    throw TlsAlert.IllegalParameter($"{reader.Context} has a duplicate {ExtensionRules.Name(type)} extension (RFC 8446 §4.2)");
            }
            var allowed = ExtensionRules.AllowedIn(type);
            if (allowed != ExtensionContext.None && (allowed & context) == 0)
                throw TlsAlert.IllegalParameter($"{ExtensionRules.Name(type)} is not allowed in {reader.Context} (RFC 8446 §4.2)");
            if (count >= maxCount)
                throw TlsAlert.DecodeError($"{reader.Context} has more than {maxCount} extensions");
            if (count == items.Length)
                throw TlsAlert.DecodeError($"{reader.Context}.extensions is truncated");
            items[count++] = new Extension(type, data);
        }
        return new ExtensionList(count == items.Length ? items : items[..count]);
    }

    // Entries in the block (a lower bound when it is malformed: parsing reports that), to size the list once.
    private static int CountEntries(TlsReader list)
    {
        int count = 0;
        while (list.Remaining >= 4)
        {
            list.ReadU16("extension_type");
            int length = list.ReadU16("extension_data");
            if (length > list.Remaining) break;
            list.ReadBytes(length, "extension_data");
            count++;
        }
        return count;
    }

    /// <summary>
    /// For messages answering a request (ServerHello, EncryptedExtensions, Certificate): every extension must have
    /// been offered, else unsupported_extension (RFC 8446 §4.2). <paramref name="alsoAllowed"/> is the exception
    /// (cookie in HelloRetryRequest).
    /// </summary>
    public void RequireOffered(in ExtensionTypeSet offered, string message, ExtensionType? alsoAllowed = null)
    {
        foreach (var e in _items)
        {
            if (e.Type != alsoAllowed && !offered.Contains(e.Type))
                throw TlsAlert.UnsupportedExtension($"{message} carries {ExtensionRules.Name(e.Type)}, which was not offered");
        }
    }

    public static void Write(TlsWriter w, IReadOnlyList<Extension> extensions)
    {
        int at = w.BeginVector16();
        for (int i = 0; i < extensions.Count; i++)
            WriteExtension(w, extensions[i].Type, extensions[i].Data.Span);
        w.EndVector16(at);
    }

    /// <summary>
    /// Starts one extension of a block being written (RFC 8446 §4.2): extension_type, then extension_data's 2-byte
    /// length, patched by <see cref="EndExtension"/> once the data is written in place.
    /// </summary>
    public static int BeginExtension(TlsWriter w, ExtensionType type)
    {
        w.WriteU16((ushort)type);
        return w.BeginVector16();
    }

    public static void EndExtension(TlsWriter w, int at) => w.EndVector16(at);

    /// <summary>Writes one extension whose extension_data is already encoded.</summary>
    public static void WriteExtension(TlsWriter w, ExtensionType type, ReadOnlySpan<byte> data)
    {
        w.WriteU16((ushort)type);
        w.WriteVector16(data);
    }
}

/// <summary>
/// The extension types of a message we sent, to check that an answer carries only offered ones (RFC 8446 §4.2). Every
/// type this engine sends is below 64, so one bit each; a type of 64 or more is never contained.
/// </summary>
internal struct ExtensionTypeSet
{
    private ulong _bits;

    public void Add(ExtensionType type)
    {
        if ((ushort)type >= 64) throw new ArgumentOutOfRangeException(nameof(type), "only extension types below 64 are tracked");
        _bits |= 1UL << (ushort)type;
    }

    public readonly bool Contains(ExtensionType type) => (ushort)type < 64 && (_bits & (1UL << (ushort)type)) != 0;

    public void Clear() => _bits = 0;
}
