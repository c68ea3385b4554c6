namespace TlsEngine.X509;

/// <summary>One policyMappings entry (RFC 5280 §4.2.1.5), OIDs in dotted form.</summary>
public readonly record struct PolicyMapping(string IssuerDomainPolicy, string SubjectDomainPolicy);

/// <summary>
/// The policy-related extensions of one certificate: certificatePolicies (§4.2.1.4), policyMappings (§4.2.1.5),
/// policyConstraints (§4.2.1.11) and inhibitAnyPolicy (§4.2.1.14). Qualifiers are validated but not kept.
/// </summary>
public sealed class PolicyExtensions
{
    /// <summary>The anyPolicy OID (§4.2.1.4).</summary>
    public const string AnyPolicy = "2.5.29.32.0";

    private const int MaxEntries = 64;

    internal static readonly PolicyExtensions None = new();

    /// <summary>Policy identifiers of certificatePolicies, or null when the extension is absent.</summary>
    public IReadOnlyList<string>? Policies { get; private set; }

    /// <summary>policyMappings entries, or null when the extension is absent.</summary>
    public IReadOnlyList<PolicyMapping>? Mappings { get; private set; }

    /// <summary>policyConstraints requireExplicitPolicy, or null.</summary>
    public int? RequireExplicitPolicy { get; private set; }

    /// <summary>policyConstraints inhibitPolicyMapping, or null.</summary>
    public int? InhibitPolicyMapping { get; private set; }

    /// <summary>inhibitAnyPolicy SkipCerts, or null when the extension is absent.</summary>
    public int? InhibitAnyPolicy { get; private set; }

    /// <summary>True if any of the four extensions is present.</summary>
    public bool Any => Policies is not null || Mappings is not null || RequireExplicitPolicy is not null
        || InhibitPolicyMapping is not null || InhibitAnyPolicy is not null;

    internal static PolicyExtensions Apply(PolicyExtensions? current, ReadOnlySpan<byte> oid, bool critical, ReadOnlySpan<byte> value)
    {
        PolicyExtensions p = current is null || ReferenceEquals(current, None) ? new PolicyExtensions() : current;
        if (Oids.Is(oid, Oids.CertificatePolicies))
            p.Policies = ParsePolicies(value);
        else if (Oids.Is(oid, Oids.PolicyMappings))
            p.Mappings = ParseMappings(value);
        else if (Oids.Is(oid, Oids.PolicyConstraints))
            p.ParseConstraints(value, critical);
        else
            p.InhibitAnyPolicy = ParseInhibitAnyPolicy(value);
        return p;
    }

    // certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
    // PolicyInformation ::= SEQUENCE { policyIdentifier CertPolicyId, policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
    private static string[] ParsePolicies(ReadOnlySpan<byte> value)
    {
        const string Field = "certificatePolicies";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        var list = new List<string>();
        while (seq.HasData)
        {
            if (list.Count >= MaxEntries)
                throw new X509FormatException(Field, $"more than {MaxEntries} policies");
            DerReader info = seq.ReadSequence(Field + ".policyInformation");
            string id = info.ReadOidString(Field + ".policyIdentifier");
            if (info.HasData)
            {
                // PolicyQualifierInfo ::= SEQUENCE { policyQualifierId OID, qualifier ANY }
                DerReader qualifiers = info.ReadSequence(Field + ".policyQualifiers");
                if (!qualifiers.HasData)
                    throw new X509FormatException(Field + ".policyQualifiers", "must not be empty");
                while (qualifiers.HasData)
                {
                    DerReader q = qualifiers.ReadSequence(Field + ".policyQualifierInfo");
                    q.ReadOid(Field + ".policyQualifierId");
                    q.ReadEncodedValue(Field + ".qualifier");
                    q.ExpectEnd(Field + ".policyQualifierInfo");
                }
            }
            info.ExpectEnd(Field + ".policyInformation");
            // §4.2.1.4: a policy OID MUST NOT appear more than once.
            if (list.Contains(id))
                throw new X509FormatException(Field, $"policy {id} appears more than once (RFC 5280 §4.2.1.4)");
            list.Add(id);
        }
        if (list.Count == 0)
            throw new X509FormatException(Field, "must contain at least one policy");
        return list.ToArray();
    }

    // PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy CertPolicyId, subjectDomainPolicy CertPolicyId }
    private static PolicyMapping[] ParseMappings(ReadOnlySpan<byte> value)
    {
        const string Field = "policyMappings";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        var list = new List<PolicyMapping>();
        while (seq.HasData)
        {
            if (list.Count >= MaxEntries)
                throw new X509FormatException(Field, $"more than {MaxEntries} mappings");
            DerReader m = seq.ReadSequence(Field + ".mapping");
            string issuer = m.ReadOidString(Field + ".issuerDomainPolicy");
            string subject = m.ReadOidString(Field + ".subjectDomainPolicy");
            m.ExpectEnd(Field + ".mapping");
            list.Add(new PolicyMapping(issuer, subject));
        }
        if (list.Count == 0)
            throw new X509FormatException(Field, "must contain at least one mapping");
        return list.ToArray();
    }

    // PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL, inhibitPolicyMapping [1] SkipCerts OPTIONAL }
    private void ParseConstraints(ReadOnlySpan<byte> value, bool critical)
    {
        const string Field = "policyConstraints";
        // §4.2.1.11: "Conforming CAs MUST mark this extension as critical."
        if (!critical)
            throw new X509FormatException(Field, "must be marked critical (RFC 5280 §4.2.1.11)");
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        if (seq.IsNext(DerTag.ContextPrimitive(0)))
            RequireExplicitPolicy = SkipCerts(seq.ReadContent(DerTag.ContextPrimitive(0), Field + ".requireExplicitPolicy"), Field + ".requireExplicitPolicy");
        if (seq.IsNext(DerTag.ContextPrimitive(1)))
            InhibitPolicyMapping = SkipCerts(seq.ReadContent(DerTag.ContextPrimitive(1), Field + ".inhibitPolicyMapping"), Field + ".inhibitPolicyMapping");
        seq.ExpectEnd(Field);
        // "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
        if (RequireExplicitPolicy is null && InhibitPolicyMapping is null)
            throw new X509FormatException(Field, "is an empty sequence");
    }

    // InhibitAnyPolicy ::= SkipCerts ::= INTEGER (0..MAX)
    private static int ParseInhibitAnyPolicy(ReadOnlySpan<byte> value)
    {
        const string Field = "inhibitAnyPolicy";
        var reader = new DerReader(value);
        int skip = reader.ReadNonNegativeInt32(Field);
        reader.ExpectEnd(Field);
        return skip;
    }

    private static int SkipCerts(ReadOnlySpan<byte> content, string field)
    {
        ReadOnlySpan<byte> integer = DerReader.ValidateInteger(content, field);
        if ((integer[0] & 0x80) != 0)
            throw new X509FormatException(field, "SkipCerts must not be negative");
        int value = 0;
        foreach (byte b in integer)
        {
            if (value > (int.MaxValue >> 8))
                return int.MaxValue; // larger than any path: equivalent to "never"
            value = (value << 8) | b;
        }
        return value;
    }
}
