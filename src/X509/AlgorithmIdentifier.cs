namespace TlsEngine.X509;

/// <summary>
/// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL }
/// (RFC 5280 §4.1.1.2), as slices of the input.
/// </summary>
internal readonly ref struct AlgorithmIdentifier
{
    public AlgorithmIdentifier(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> oid, ReadOnlySpan<byte> parameters)
    {
        Encoded = encoded;
        Oid = oid;
        Parameters = parameters;
    }

    /// <summary>The whole SEQUENCE encoding.</summary>
    public ReadOnlySpan<byte> Encoded { get; }

    /// <summary>The OID contents.</summary>
    public ReadOnlySpan<byte> Oid { get; }

    /// <summary>The whole encoding of the parameters element, empty when absent.</summary>
    public ReadOnlySpan<byte> Parameters { get; }

    public bool HasParameters => !Parameters.IsEmpty;

    /// <summary>True if the parameters are absent or an encoded NULL.</summary>
    public bool ParametersAbsentOrNull => Parameters.IsEmpty || Parameters.SequenceEqual((ReadOnlySpan<byte>)[0x05, 0x00]);

    public static AlgorithmIdentifier Read(ref DerReader reader, string field)
    {
        ReadOnlySpan<byte> encoded = reader.ReadEncodedValue(field);
        DerReader outer = reader.Nested(encoded, field);
        try
        {
            DerReader seq = outer.ReadSequence(".");
            ReadOnlySpan<byte> oid = seq.ReadOid(".algorithm");
            ReadOnlySpan<byte> parameters = default;
            if (seq.HasData)
                parameters = seq.ReadEncodedValue(".parameters");
            seq.ExpectEnd(".");
            return new AlgorithmIdentifier(encoded, oid, parameters);
        }
        catch (X509FormatException e)
        {
            throw e.Under(field);
        }
    }
}
