namespace TlsEngine.X509;

/// <summary>The nameConstraints extension (RFC 5280 §4.2.1.10): permitted and excluded subtrees.</summary>
public sealed class NameConstraints
{
    private NameConstraints(GeneralName[] permitted, GeneralName[] excluded)
    {
        Permitted = permitted;
        Excluded = excluded;
    }

    /// <summary>Bases of the permittedSubtrees (empty when the field is absent).</summary>
    public IReadOnlyList<GeneralName> Permitted { get; }

    /// <summary>Bases of the excludedSubtrees (empty when the field is absent).</summary>
    public IReadOnlyList<GeneralName> Excluded { get; }

    // NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL }
    internal static NameConstraints Parse(ReadOnlySpan<byte> value)
    {
        const string Field = "nameConstraints";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        GeneralName[] permitted = [];
        GeneralName[] excluded = [];
        if (seq.IsNext(DerTag.ContextConstructed(0)))
            permitted = ReadSubtrees(seq.ReadConstructed(DerTag.ContextConstructed(0), Field + ".permittedSubtrees"), Field + ".permittedSubtrees");
        if (seq.IsNext(DerTag.ContextConstructed(1)))
            excluded = ReadSubtrees(seq.ReadConstructed(DerTag.ContextConstructed(1), Field + ".excludedSubtrees"), Field + ".excludedSubtrees");
        seq.ExpectEnd(Field);
        // §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
        if (permitted.Length == 0 && excluded.Length == 0)
            throw new X509FormatException(Field, "neither permittedSubtrees nor excludedSubtrees is present");
        return new NameConstraints(permitted, excluded);
    }

    // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
    // GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL }
    private static GeneralName[] ReadSubtrees(DerReader reader, string field)
    {
        var list = new List<GeneralName>();
        while (reader.HasData)
        {
            if (list.Count >= 1024)
                throw new X509FormatException(field, "more than 1024 subtrees");
            DerReader subtree = reader.ReadSequence(field + ".subtree");
            list.Add(GeneralName.Read(ref subtree, field + ".base", constraintForm: true));
            // §4.2.1.10: minimum MUST be zero (so omitted in DER) and maximum MUST be absent.
            if (subtree.HasData)
                throw new X509FormatException(field + ".subtree", "minimum/maximum must be absent (RFC 5280 §4.2.1.10)");
        }
        if (list.Count == 0)
            throw new X509FormatException(field, "GeneralSubtrees must not be empty");
        return list.ToArray();
    }
}
