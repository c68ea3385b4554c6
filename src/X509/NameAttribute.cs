namespace TlsEngine.X509;

/// <summary>One AttributeTypeAndValue of a distinguished name (RFC 5280 §4.1.2.4).</summary>
public sealed class NameAttribute
{
    internal NameAttribute(string oid, ReadOnlyMemory<byte> oidContent, byte valueTag, ReadOnlyMemory<byte> encodedValue, ReadOnlyMemory<byte> valueContent, string? value)
    {
        Oid = oid;
        OidContent = oidContent;
        ValueTag = valueTag;
        EncodedValue = encodedValue;
        RawValue = valueContent;
        Value = value;
    }

    /// <summary>The attribute type in dotted form, e.g. <c>2.5.4.3</c> for commonName.</summary>
    public string Oid { get; }

    internal ReadOnlyMemory<byte> OidContent { get; }

    /// <summary>The DER identifier octet of the value (e.g. 0x0C UTF8String, 0x13 PrintableString).</summary>
    public byte ValueTag { get; }

    /// <summary>The contents octets of the value.</summary>
    public ReadOnlyMemory<byte> RawValue { get; }

    internal ReadOnlyMemory<byte> EncodedValue { get; }

    /// <summary>The value decoded as text when it is one of the ASN.1 string types, otherwise null.</summary>
    public string? Value { get; }

    /// <summary>The RFC 4514 short name of the type (CN, O, …) or the dotted OID.</summary>
    public string ShortName => Oid switch
    {
        "2.5.4.3" => "CN",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "E",
        _ => Oid,
    };
}
