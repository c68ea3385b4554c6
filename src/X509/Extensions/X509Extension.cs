namespace TlsEngine.X509;

/// <summary>One certificate extension as encoded (RFC 5280 §4.1.2.9): its OID, criticality and extnValue contents.</summary>
public sealed class X509Extension
{
    internal X509Extension(byte[] oidContent, bool critical, ReadOnlyMemory<byte> value)
    {
        OidContent = oidContent;
        Oid = DerReader.OidToString(oidContent);
        Critical = critical;
        Value = value;
    }

    /// <summary>The extension type in dotted form.</summary>
    public string Oid { get; }

    internal byte[] OidContent { get; }

    /// <summary>True if the extension is marked critical.</summary>
    public bool Critical { get; }

    /// <summary>The contents of extnValue: the DER encoding of the extension's own structure.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Critical ? Oid + " (critical)" : Oid;
}
