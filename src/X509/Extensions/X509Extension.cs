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
    /// Reads one Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } of a
    /// structure held in <paramref name="ownerArray"/>, refusing a second instance of an OID already in
    /// <paramref name="seen"/> (RFC 5280 §4.2, §5.2). <paramref name="value"/> receives the extnValue contents.
    /// </summary>
    internal static X509Extension ReadOne(ref DerReader seq, string field, byte[] ownerArray, ReadOnlyMemory<byte> owner,
        List<X509Extension> seen, out ReadOnlySpan<byte> value)
    {
        try
        {
            return ReadOne(ref seq, ownerArray, owner, seen, out value);
        }
        catch (X509FormatException e)
        {
            throw e.Under(field);
        }
    }

    // Field names relative to the caller's (see X509FormatException.Under).
    private static X509Extension ReadOne(ref DerReader seq, byte[] ownerArray, ReadOnlyMemory<byte> owner,
        List<X509Extension> seen, out ReadOnlySpan<byte> value)
    {
        DerReader ext = seq.ReadSequence(".extension");
        ReadOnlySpan<byte> oid = ext.ReadOid(".extension.extnID");
        bool critical = false;
        if (ext.IsNext(DerTag.Boolean))
        {
            critical = ext.ReadBoolean(".extension.critical");
            if (!critical)
                throw new X509FormatException(".extension.critical", "DEFAULT value FALSE must be omitted in DER");
        }
        value = ext.ReadOctetString(".extension.extnValue");
        ext.ExpectEnd(".extension");
        foreach (X509Extension other in seen)
        {
            if (oid.SequenceEqual(other.OidContent.Span))
                throw new X509FormatException(".", $"duplicate extension {other.Oid} (RFC 5280 §4.2)");
        }
        ownerArray.AsSpan().Overlaps(oid, out int oidOffset);
        ownerArray.AsSpan().Overlaps(value, out int offset);
        return new X509Extension(owner.Slice(oidOffset, oid.Length), critical, owner.Slice(offset, value.Length));
    }
}
