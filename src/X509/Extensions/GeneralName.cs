using System.Net;

namespace TlsEngine.X509;

/// <summary>The CHOICE alternatives of GeneralName (RFC 5280 §4.2.1.6); values are the context tag numbers.</summary>
public enum GeneralNameKind
{
    /// <summary>otherName [0].</summary>
    OtherName = 0,
    /// <summary>rfc822Name [1]: an e-mail address.</summary>
    Rfc822Name = 1,
    /// <summary>dNSName [2].</summary>
    DnsName = 2,
    /// <summary>x400Address [3].</summary>
    X400Address = 3,
    /// <summary>directoryName [4].</summary>
    DirectoryName = 4,
    /// <summary>ediPartyName [5].</summary>
    EdiPartyName = 5,
    /// <summary>uniformResourceIdentifier [6].</summary>
    Uri = 6,
    /// <summary>iPAddress [7].</summary>
    IpAddress = 7,
    /// <summary>registeredID [8].</summary>
    RegisteredId = 8,
}

/// <summary>One GeneralName (RFC 5280 §4.2.1.6), as found in subjectAltName, name constraints and AKI.</summary>
public sealed class GeneralName
{
    private GeneralName(GeneralNameKind kind, ReadOnlyMemory<byte> raw, string? text, DistinguishedName? directoryName)
    {
        Kind = kind;
        RawValue = raw;
        _text = text;
        DirectoryName = directoryName;
    }

    /// <summary>Which alternative this is.</summary>
    public GeneralNameKind Kind { get; }

    /// <summary>
    /// The contents octets: the IA5 text for rfc822Name/dNSName/URI, the address (and, in name constraints, mask)
    /// octets for iPAddress, the OID contents for registeredID, the inner encoding for the constructed alternatives.
    /// </summary>
    public ReadOnlyMemory<byte> RawValue { get; }

    /// <summary>The text of an rfc822Name, dNSName or URI, or the dotted OID of a registeredID or otherName type-id.</summary>
    public string? Text => _text ??= IsIa5Kind ? System.Text.Encoding.ASCII.GetString(RawValue.Span) : null;

    // The IA5String alternatives (checked to be 7-bit when read): their text is made on first use.
    private bool IsIa5Kind => Kind is GeneralNameKind.Rfc822Name or GeneralNameKind.DnsName or GeneralNameKind.Uri;

    private string? _text;

    /// <summary>The name of a directoryName alternative.</summary>
    public DistinguishedName? DirectoryName { get; }

    /// <summary>The address of an iPAddress alternative of 4 or 16 octets, otherwise null.</summary>
    public IPAddress? IpAddress => _ipAddress ??= Kind == GeneralNameKind.IpAddress && RawValue.Length is 4 or 16 ? new IPAddress(RawValue.Span) : null;

    private IPAddress? _ipAddress;

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        GeneralNameKind.DnsName => "DNS:" + Text,
        GeneralNameKind.Rfc822Name => "email:" + Text,
        GeneralNameKind.Uri => "URI:" + Text,
        GeneralNameKind.IpAddress => "IP:" + (IpAddress?.ToString() ?? Convert.ToHexString(RawValue.Span)),
        GeneralNameKind.DirectoryName => "DirName:" + DirectoryName,
        GeneralNameKind.RegisteredId => "RID:" + Text,
        GeneralNameKind.OtherName => "othername:" + Text,
        _ => Kind.ToString(),
    };

    /// <summary>
    /// Reads one GeneralName. <paramref name="constraintForm"/> selects the allowed iPAddress lengths:
    /// 4/16 in subjectAltName, 8/32 (address and mask) in name constraints (§4.2.1.10). <see cref="RawValue"/> is a
    /// slice of <paramref name="owner"/> when the reader reads from it, otherwise a copy.
    /// </summary>
    internal static GeneralName Read(ref DerReader reader, string field, bool constraintForm, ReadOnlyMemory<byte> owner = default)
    {
        reader.ReadElement(field, out byte tag, out ReadOnlySpan<byte> content);
        int number = tag & 0x1F;
        bool constructed = (tag & 0x20) != 0;
        if ((tag & 0xC0) != 0x80 || number > 8)
            throw new X509FormatException(field, $"tag 0x{tag:X2} is not a GeneralName alternative");
        var kind = (GeneralNameKind)number;
        bool mustBeConstructed = kind is GeneralNameKind.OtherName or GeneralNameKind.X400Address
            or GeneralNameKind.DirectoryName or GeneralNameKind.EdiPartyName;
        if (constructed != mustBeConstructed)
            throw new X509FormatException(field, $"GeneralName [{number}] has the wrong constructed bit");
        switch (kind)
        {
            case GeneralNameKind.Rfc822Name:
            case GeneralNameKind.DnsName:
            case GeneralNameKind.Uri:
                DirectoryString.CheckAscii(content, field);
                return new GeneralName(kind, MemorySlice.Within(owner, content), null, null);
            case GeneralNameKind.IpAddress:
                bool ok = constraintForm ? content.Length is 8 or 32 : content.Length is 4 or 16;
                if (!ok)
                    throw new X509FormatException(field, $"iPAddress of {content.Length} octets is invalid");
                return new GeneralName(kind, MemorySlice.Within(owner, content), null, null);
            case GeneralNameKind.RegisteredId:
                return new GeneralName(kind, MemorySlice.Within(owner, content), DerReader.OidToString(DerReader.ValidateOid(content, field)), null);
            case GeneralNameKind.DirectoryName:
                {
                    DerReader inner = reader.Nested(content, field);
                    DistinguishedName dn = DistinguishedName.Read(ref inner, field);
                    inner.ExpectEnd(field);
                    return new GeneralName(kind, MemorySlice.Within(owner, content), null, dn);
                }
            case GeneralNameKind.OtherName:
                {
                    // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } (implicitly tagged [0]).
                    DerReader inner = reader.Nested(content, field);
                    string typeId = inner.ReadOidString(field + ".type-id");
                    DerReader value = inner.ReadExplicit(0, field + ".value");
                    value.ReadEncodedValue(field + ".value");
                    value.ExpectEnd(field + ".value");
                    inner.ExpectEnd(field);
                    return new GeneralName(kind, MemorySlice.Within(owner, content), typeId, null);
                }
            default:
                return new GeneralName(kind, MemorySlice.Within(owner, content), null, null);
        }
    }

    /// <summary>Reads GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (values sliced from <paramref name="owner"/> as in <see cref="Read"/>).</summary>
    internal static GeneralName[] ReadSequence(ref DerReader reader, string field, bool constraintForm = false, ReadOnlyMemory<byte> owner = default)
    {
        DerReader seq = reader.ReadSequence(field);
        // Counted first, so that the names go straight into an array of the right size.
        int count = 0;
        for (DerReader counter = seq; counter.HasData; count++)
        {
            if (count >= 1024)
                throw new X509FormatException(field, "more than 1024 names");
            counter.ReadEncodedValue(field);
        }
        if (count == 0)
            throw new X509FormatException(field, "GeneralNames must not be empty");
        var names = new GeneralName[count];
        for (int i = 0; i < count; i++)
            names[i] = Read(ref seq, field, constraintForm, owner);
        return names;
    }
}
