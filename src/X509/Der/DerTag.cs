namespace TlsEngine.X509;

/// <summary>Identifier octets (X.690 §8.1.2) of the DER types X.509 uses; all are single-octet, low-tag-number form.</summary>
public static class DerTag
{
    /// <summary>BOOLEAN.</summary>
    public const byte Boolean = 0x01;
    /// <summary>INTEGER.</summary>
    public const byte Integer = 0x02;
    /// <summary>BIT STRING.</summary>
    public const byte BitString = 0x03;
    /// <summary>OCTET STRING.</summary>
    public const byte OctetString = 0x04;
    /// <summary>NULL.</summary>
    public const byte Null = 0x05;
    /// <summary>OBJECT IDENTIFIER.</summary>
    public const byte ObjectIdentifier = 0x06;
    /// <summary>ENUMERATED.</summary>
    public const byte Enumerated = 0x0A;
    /// <summary>UTF8String.</summary>
    public const byte Utf8String = 0x0C;
    /// <summary>NumericString.</summary>
    public const byte NumericString = 0x12;
    /// <summary>PrintableString.</summary>
    public const byte PrintableString = 0x13;
    /// <summary>TeletexString (T61String).</summary>
    public const byte TeletexString = 0x14;
    /// <summary>IA5String.</summary>
    public const byte Ia5String = 0x16;
    /// <summary>UTCTime.</summary>
    public const byte UtcTime = 0x17;
    /// <summary>GeneralizedTime.</summary>
    public const byte GeneralizedTime = 0x18;
    /// <summary>VisibleString.</summary>
    public const byte VisibleString = 0x1A;
    /// <summary>UniversalString.</summary>
    public const byte UniversalString = 0x1C;
    /// <summary>BMPString.</summary>
    public const byte BmpString = 0x1E;
    /// <summary>SEQUENCE / SEQUENCE OF (constructed).</summary>
    public const byte Sequence = 0x30;
    /// <summary>SET / SET OF (constructed).</summary>
    public const byte Set = 0x31;

    /// <summary>Context-specific, primitive tag <c>[n]</c> (used for IMPLICIT tagging of primitive types).</summary>
    public static byte ContextPrimitive(int number) => (byte)(0x80 | (number & 0x1F));

    /// <summary>Context-specific, constructed tag <c>[n]</c> (EXPLICIT tagging, or IMPLICIT tagging of constructed types).</summary>
    public static byte ContextConstructed(int number) => (byte)(0xA0 | (number & 0x1F));
}
