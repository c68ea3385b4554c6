using System.Net;

namespace TlsEngine.X509;

/// <summary>The extensions of one certificate, parsed (RFC 5280 §4.2). Built once by <see cref="Certificate.Parse"/>.</summary>
internal sealed class CertificateExtensions
{
    /// <summary>Upper bound on the number of extensions in one certificate.</summary>
    public const int MaxExtensions = 64;

    public static readonly CertificateExtensions Empty = new();

    public X509Extension[] All { get; private set; } = [];
    public BasicConstraints? BasicConstraints { get; private set; }
    public KeyUsageFlags? KeyUsage { get; private set; }
    public byte[][]? ExtendedKeyUsage { get; private set; }
    public GeneralName[] SubjectAltNames { get; private set; } = [];
    public bool HasSubjectAltName { get; private set; }
    public byte[]? SubjectKeyIdentifier { get; private set; }
    public AuthorityKeyIdentifier? AuthorityKeyIdentifier { get; private set; }
    public NameConstraints? NameConstraints { get; private set; }
    public PolicyExtensions Policies { get; private set; } = PolicyExtensions.None;
    public bool HasUnknownCritical { get; private set; }
    public GeneralName[][]? CrlDistributionPointNames { get; private set; }
    public string? FirstUnknownCriticalOid { get; private set; }

    // Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    public static CertificateExtensions Read(ref DerReader reader, ReadOnlyMemory<byte> owner, byte[] ownerArray)
    {
        const string Field = "extensions";
        DerReader seq = reader.ReadSequence(Field);
        var result = new CertificateExtensions();
        var list = new List<X509Extension>();
        while (seq.HasData)
        {
            if (list.Count >= MaxExtensions)
                throw new X509FormatException(Field, $"more than {MaxExtensions} extensions");
            X509Extension extension = X509Extension.ReadOne(ref seq, Field, ownerArray, owner, list, out ReadOnlySpan<byte> value);
            list.Add(extension);
            result.Apply(extension, value);
        }
        if (list.Count == 0)
            throw new X509FormatException(Field, "Extensions must contain at least one extension");
        result.All = list.ToArray();
        return result;
    }

    private void Apply(X509Extension extension, ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> oid = extension.OidContent.Span;
        if (Oids.Is(oid, Oids.BasicConstraints))
        {
            BasicConstraints = BasicConstraints.Parse(value);
        }
        else if (Oids.Is(oid, Oids.KeyUsage))
        {
            KeyUsage = KeyUsageParser.Parse(value);
        }
        else if (Oids.Is(oid, Oids.ExtendedKeyUsage))
        {
            ExtendedKeyUsage = ParseExtendedKeyUsage(value);
        }
        else if (Oids.Is(oid, Oids.SubjectAltName))
        {
            var r = new DerReader(value);
            SubjectAltNames = GeneralName.ReadSequence(ref r, "subjectAltName");
            r.ExpectEnd("subjectAltName");
            HasSubjectAltName = true;
        }
        else if (Oids.Is(oid, Oids.SubjectKeyIdentifier))
        {
            // §4.2.1.2: "Conforming CAs MUST mark this extension as non-critical."
            RejectCritical(extension, "subjectKeyIdentifier", "§4.2.1.2");
            // SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING (§4.2.1.2)
            var r = new DerReader(value);
            SubjectKeyIdentifier = r.ReadOctetString("subjectKeyIdentifier").ToArray();
            r.ExpectEnd("subjectKeyIdentifier");
        }
        else if (Oids.Is(oid, Oids.AuthorityKeyIdentifier))
        {
            // §4.2.1.1: "Conforming CAs MUST mark this extension as non-critical."
            RejectCritical(extension, "authorityKeyIdentifier", "§4.2.1.1");
            AuthorityKeyIdentifier = AuthorityKeyIdentifier.Parse(value);
        }
        else if (Oids.Is(oid, Oids.NameConstraints))
        {
            NameConstraints = NameConstraints.Parse(value);
        }
        else if (Oids.Is(oid, Oids.CertificatePolicies) || Oids.Is(oid, Oids.PolicyMappings)
            || Oids.Is(oid, Oids.PolicyConstraints) || Oids.Is(oid, Oids.InhibitAnyPolicy))
        {
            Policies = PolicyExtensions.Apply(Policies, extension, value);
        }
        else if (Oids.Is(oid, Oids.AuthorityInfoAccess))
        {
            ValidateAuthorityInfoAccess(value);
            MarkUnprocessed(extension);
        }
        else if (Oids.Is(oid, Oids.CrlDistributionPoints))
        {
            // §4.2.1.13: checked for shape; the fullNames scope partitioned CRLs (§6.3.3 (b)(2)). Not "processed" in the
            // sense of §4.2, so a critical one still fails validation.
            CrlDistributionPointNames = DistributionPoints.ParseCrlDistributionPoints(value);
            MarkUnprocessed(extension);
        }
        else if (Oids.Is(oid, Oids.IssuerAltName))
        {
            MarkUnprocessed(extension);
        }
        else
        {
            MarkUnprocessed(extension);
        }
    }

    private static void RejectCritical(X509Extension extension, string field, string section)
    {
        if (extension.Critical)
            throw new X509FormatException(field, $"must not be marked critical (RFC 5280 {section})");
    }

    private void MarkUnprocessed(X509Extension extension)
    {
        if (extension.Critical && !HasUnknownCritical)
        {
            HasUnknownCritical = true;
            FirstUnknownCriticalOid = extension.Oid;
        }
    }

    // ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12)
    private static byte[][] ParseExtendedKeyUsage(ReadOnlySpan<byte> value)
    {
        const string Field = "extKeyUsage";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        var list = new List<byte[]>();
        while (seq.HasData)
        {
            if (list.Count >= 64)
                throw new X509FormatException(Field, "more than 64 key purposes");
            list.Add(seq.ReadOid(Field + ".keyPurposeId").ToArray());
        }
        if (list.Count == 0)
            throw new X509FormatException(Field, "must contain at least one key purpose");
        return list.ToArray();
    }

    // AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
    // AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName } (§4.2.2.1)
    private static void ValidateAuthorityInfoAccess(ReadOnlySpan<byte> value)
    {
        const string Field = "authorityInfoAccess";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        int count = 0;
        while (seq.HasData)
        {
            if (++count > 64)
                throw new X509FormatException(Field, "more than 64 access descriptions");
            DerReader ad = seq.ReadSequence(Field + ".accessDescription");
            ad.ReadOid(Field + ".accessMethod");
            GeneralName.Read(ref ad, Field + ".accessLocation", constraintForm: false);
            ad.ExpectEnd(Field + ".accessDescription");
        }
        if (count == 0)
            throw new X509FormatException(Field, "must contain at least one access description");
    }

    /// <summary>The selected values of the subjectAltName entries of one kind, in order (an empty shared array if none).</summary>
    public T[] NamesOf<T>(GeneralNameKind kind, Func<GeneralName, T?> select)
        where T : class
    {
        int count = 0;
        foreach (GeneralName n in SubjectAltNames)
        {
            if (n.Kind == kind && select(n) is not null)
                count++;
        }
        if (count == 0)
            return [];
        var result = new T[count];
        int i = 0;
        foreach (GeneralName n in SubjectAltNames)
        {
            if (n.Kind == kind && select(n) is T value)
                result[i++] = value;
        }
        return result;
    }

    public IPAddress[] IpAddresses()
    {
        int count = 0;
        foreach (GeneralName n in SubjectAltNames)
        {
            if (n.IpAddress is not null)
                count++;
        }
        if (count == 0)
            return [];
        var result = new IPAddress[count];
        int i = 0;
        foreach (GeneralName n in SubjectAltNames)
        {
            if (n.IpAddress is IPAddress ip)
                result[i++] = ip;
        }
        return result;
    }
}
