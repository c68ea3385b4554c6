namespace TlsEngine.X509;

/// <summary>One certificate extension as encoded (RFC 5280 §4.1.2.9): its OID, criticality and extnValue contents.</summary>
public sealed class X509Extension
{
    internal X509Extension(ReadOnlyMemory<byte> oidContent, bool critical, ReadOnlyMemory<byte> value)
    {
        OidContent = oidContent;
        Oid = DerReader.OidToString(oidContent.Span);
        Critical = critical;
        Value = value;
    }

    /// <summary>The extension type in dotted form.</summary>
    public string Oid { get; }

    /// <summary>The extnID contents: a slice of the structure the extension was read from, like <see cref="Value"/>.</summary>
    internal ReadOnlyMemory<byte> OidContent { get; }

    /// <summary>True if the extension is marked critical.</summary>
    public bool Critical { get; }

    /// <summary>The contents of extnValue: the DER encoding of the extension's own structure.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Critical ? Oid + " (critical)" : Oid;

    /// <summary>
    /// Reads one Extension of a structure held in <paramref name="owner"/>, refusing a second instance of an OID
    /// already in <paramref name="seen"/> (RFC 5280 §4.2, §5.2). <paramref name="value"/> receives the extnValue contents.
    /// </summary>
    internal static X509Extension ReadOne(ref DerReader seq, string field, ReadOnlyMemory<byte> owner,
        List<X509Extension> seen, out ReadOnlySpan<byte> value)
    {
        ReadFields(ref seq, field, out ReadOnlySpan<byte> oid, out bool critical, out value);
        foreach (X509Extension other in seen)
        {
            if (oid.SequenceEqual(other.OidContent.Span))
                throw Duplicate(field, oid);
        }
        return new X509Extension(MemorySlice.Within(owner, oid), critical, MemorySlice.Within(owner, value));
    }

    /// <summary>
    /// Reads the fields of one Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    /// (RFC 5280 §4.1). The outputs are slices of the reader's input.
    /// </summary>
    internal static void ReadFields(ref DerReader seq, string field, out ReadOnlySpan<byte> oid, out bool critical, out ReadOnlySpan<byte> value)
    {
        try
        {
            // Field names relative to the caller's (see X509FormatException.Under): none is built unless the input is bad.
            DerReader ext = seq.ReadSequence(".extension");
            oid = ext.ReadOid(".extension.extnID");
            critical = false;
            if (ext.IsNext(DerTag.Boolean))
            {
                critical = ext.ReadBoolean(".extension.critical");
                if (!critical)
                    throw new X509FormatException(".extension.critical", "DEFAULT value FALSE must be omitted in DER");
            }
            value = ext.ReadOctetString(".extension.extnValue");
            ext.ExpectEnd(".extension");
        }
        catch (X509FormatException e)
        {
            throw e.Under(field);
        }
    }

    /// <summary>The error for a second extension of one type in one structure (RFC 5280 §4.2: "MUST NOT include more than one instance").</summary>
    internal static X509FormatException Duplicate(string field, ReadOnlySpan<byte> oid) =>
        new X509FormatException(".", $"duplicate extension {DerReader.OidToString(oid)} (RFC 5280 §4.2)").Under(field);
}
