namespace TlsEngine.X509;

/// <summary>The basicConstraints extension (RFC 5280 §4.2.1.9).</summary>
public sealed class BasicConstraints
{
    private static readonly BasicConstraints s_ca = new(isCa: true, null);
    private static readonly BasicConstraints s_endEntity = new(isCa: false, null);

    internal BasicConstraints(bool isCa, int? pathLengthConstraint)
    {
        IsCa = isCa;
        PathLengthConstraint = pathLengthConstraint;
    }

    /// <summary>The cA flag: the subject may act as a CA (sign certificates).</summary>
    public bool IsCa { get; }

    /// <summary>
    /// The maximum number of non-self-issued intermediate certificates that may follow this one in a path,
    /// or null when unlimited.
    /// </summary>
    public int? PathLengthConstraint { get; }

    // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
    internal static BasicConstraints Parse(ReadOnlySpan<byte> value)
    {
        const string Field = "basicConstraints";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        bool isCa = false;
        if (seq.IsNext(DerTag.Boolean))
        {
            isCa = seq.ReadBoolean(Field + ".cA");
            if (!isCa)
                throw new X509FormatException(Field + ".cA", "DEFAULT value FALSE must be omitted in DER");
        }
        int? pathLen = null;
        if (seq.HasData)
            pathLen = seq.ReadNonNegativeInt32(Field + ".pathLenConstraint");
        seq.ExpectEnd(Field);
        // Immutable: the two values without a path length are shared.
        if (pathLen is null)
            return isCa ? s_ca : s_endEntity;
        return new BasicConstraints(isCa, pathLen);
    }
}
