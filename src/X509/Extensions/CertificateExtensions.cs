using System.Net;

namespace TlsEngine.X509;

/// <summary>The extensions of one certificate, parsed (RFC 5280 §4.2). Built once by <see cref="Certificate.Parse"/>.</summary>
internal sealed class CertificateExtensions
{
    /// <summary>Upper bound on the number of extensions in one certificate.</summary>
    public const int MaxExtensions = 64;

    public static readonly CertificateExtensions Empty = new(default, 0, 0);

    // The Extensions SEQUENCE contents, a part of the owner (the certificate's bytes), checked when read and walked
    // again for the few questions asked later: X509Extension objects are made only for the public
    // Certificate.Extensions.
    private readonly ReadOnlyMemory<byte> _owner;
    private readonly int _start;
    private readonly int _length;
    private X509Extension[]? _objects;

    private CertificateExtensions(ReadOnlyMemory<byte> owner, int start, int length)
    {
        _owner = owner;
        _start = start;
        _length = length;
    }

    public BasicConstraints? BasicConstraints { get; private set; }
    public KeyUsageFlags? KeyUsage { get; private set; }
    /// <summary>The extKeyUsage SEQUENCE contents (validated), or null when the extension is absent.</summary>
    public ReadOnlyMemory<byte>? ExtendedKeyUsage { get; private set; }
    public GeneralName[] SubjectAltNames { get; private set; } = [];
    public bool HasSubjectAltName { get; private set; }
    public ReadOnlyMemory<byte>? SubjectKeyIdentifier { get; private set; }
    /// <summary>authorityKeyIdentifier (made on first use when it holds only a keyIdentifier), or null when absent.</summary>
    public AuthorityKeyIdentifier? AuthorityKeyIdentifier =>
        _authorityKeyIdentifier ??= _authorityKeyId is { } keyId ? new AuthorityKeyIdentifier(keyId) : null;

    /// <summary>authorityKeyIdentifier's keyIdentifier, or null when the extension or the field is absent.</summary>
    public ReadOnlyMemory<byte>? AuthorityKeyId => _authorityKeyId ?? _authorityKeyIdentifier?.KeyIdentifier;

    private AuthorityKeyIdentifier? _authorityKeyIdentifier;
    private ReadOnlyMemory<byte>? _authorityKeyId;
    public NameConstraints? NameConstraints { get; private set; }
    public PolicyExtensions Policies { get; private set; } = PolicyExtensions.None;
    public bool HasUnknownCritical { get; private set; }
    public GeneralName[][]? CrlDistributionPointNames { get; private set; }
    public string? FirstUnknownCriticalOid { get; private set; }

    // A reader over the extensions, which were checked when read: walking them again cannot fail.
    private DerReader Walk() => new(_owner.Span.Slice(_start, _length));

    /// <summary>Every extension as an object, in encoded order (made on first use).</summary>
    public X509Extension[] All
    {
        get
        {
            if (_objects is { } made)
                return made;
            int count = 0;
            for (DerReader counter = Walk(); counter.HasData; count++)
                counter.ReadEncodedValue("extensions.extension");
            var all = new X509Extension[count];
            DerReader seq = Walk();
            for (int i = 0; i < count; i++)
            {
                X509Extension.ReadFields(ref seq, "extensions", out ReadOnlySpan<byte> oid, out bool critical, out ReadOnlySpan<byte> value);
                all[i] = new X509Extension(MemorySlice.Within(_owner, oid), critical, MemorySlice.Within(_owner, value));
            }
            return _objects = all;
        }
    }

    /// <summary>The criticality of the extension of the given type: null when absent.</summary>
    public bool? IsCritical(byte[] oid) => Find(oid, out bool critical, out _) ? critical : null;

    /// <summary>The extnValue contents of the extension of the given type: null when absent.</summary>
    public ReadOnlyMemory<byte>? ValueOf(byte[] oid)
    {
        if (!Find(oid, out _, out ReadOnlyMemory<byte> value))
            return null;
        return value;
    }

    private bool Find(byte[] wanted, out bool critical, out ReadOnlyMemory<byte> value)
    {
        DerReader seq = Walk();
        while (seq.HasData)
        {
            X509Extension.ReadFields(ref seq, "extensions", out ReadOnlySpan<byte> oid, out critical, out ReadOnlySpan<byte> contents);
            if (Oids.Is(oid, wanted))
            {
                value = MemorySlice.Within(_owner, contents);
                return true;
            }
        }
        critical = false;
        value = default;
        return false;
    }

    // Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    /// <summary>Reads the extensions of a certificate whose bytes are <paramref name="owner"/> (a whole array).</summary>
    public static CertificateExtensions Read(ref DerReader reader, byte[] owner)
    {
        const string Field = "extensions";
        ReadOnlySpan<byte> contents = reader.ReadContent(DerTag.Sequence, Field);
        DerReader seq = reader.Nested(contents, Field);
        // Counted first: at most MaxExtensions, whose extnIDs are remembered on the stack for the duplicate check.
        int count = 0;
        for (DerReader counter = seq; counter.HasData; count++)
        {
            if (count >= MaxExtensions)
                throw new X509FormatException(Field, $"more than {MaxExtensions} extensions");
            counter.ReadEncodedValue(Field + ".extension");
        }
        if (count == 0)
            throw new X509FormatException(Field, "Extensions must contain at least one extension");
        ReadOnlySpan<byte> ownerSpan = owner;
        ownerSpan.Overlaps(contents, out int start);
        var result = new CertificateExtensions(owner, start, contents.Length);
        Span<int> oidStarts = stackalloc int[count];
        Span<int> oidLengths = stackalloc int[count];
        for (int i = 0; i < count; i++)
        {
            X509Extension.ReadFields(ref seq, Field, out ReadOnlySpan<byte> oid, out bool critical, out ReadOnlySpan<byte> value);
            for (int j = 0; j < i; j++)
            {
                if (oid.SequenceEqual(ownerSpan.Slice(oidStarts[j], oidLengths[j])))
                    throw X509Extension.Duplicate(Field, oid);
            }
            ownerSpan.Overlaps(oid, out oidStarts[i]);
            oidLengths[i] = oid.Length;
            result.Apply(oid, critical, value);
        }
        return result;
    }

    private void Apply(ReadOnlySpan<byte> oid, bool critical, ReadOnlySpan<byte> value)
    {
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
            ExtendedKeyUsage = MemorySlice.Within(_owner, ValidateExtendedKeyUsage(value));
        }
        else if (Oids.Is(oid, Oids.SubjectAltName))
        {
            var r = new DerReader(value);
            SubjectAltNames = GeneralName.ReadSequence(ref r, "subjectAltName", owner: _owner);
            r.ExpectEnd("subjectAltName");
            HasSubjectAltName = true;
        }
        else if (Oids.Is(oid, Oids.SubjectKeyIdentifier))
        {
            // §4.2.1.2: "Conforming CAs MUST mark this extension as non-critical."
            RejectCritical(critical, "subjectKeyIdentifier", "§4.2.1.2");
            // SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING (§4.2.1.2)
            var r = new DerReader(value);
            SubjectKeyIdentifier = MemorySlice.Within(_owner, r.ReadOctetString("subjectKeyIdentifier"));
            r.ExpectEnd("subjectKeyIdentifier");
        }
        else if (Oids.Is(oid, Oids.AuthorityKeyIdentifier))
        {
            // §4.2.1.1: "Conforming CAs MUST mark this extension as non-critical."
            RejectCritical(critical, "authorityKeyIdentifier", "§4.2.1.1");
            // Nearly always a keyIdentifier alone: kept as a slice, the object made only if asked for.
            if (AuthorityKeyIdentifier.TryReadKeyIdentifierOnly(value, out ReadOnlySpan<byte> keyId))
                _authorityKeyId = MemorySlice.Within(_owner, keyId);
            else
                _authorityKeyIdentifier = AuthorityKeyIdentifier.Parse(value, _owner);
        }
        else if (Oids.Is(oid, Oids.NameConstraints))
        {
            NameConstraints = NameConstraints.Parse(value);
        }
        else if (Oids.Is(oid, Oids.CertificatePolicies) || Oids.Is(oid, Oids.PolicyMappings)
            || Oids.Is(oid, Oids.PolicyConstraints) || Oids.Is(oid, Oids.InhibitAnyPolicy))
        {
            Policies = PolicyExtensions.Apply(Policies, oid, critical, value);
        }
        else if (Oids.Is(oid, Oids.AuthorityInfoAccess))
        {
            ValidateAuthorityInfoAccess(value);
            MarkUnprocessed(oid, critical);
        }
        else if (Oids.Is(oid, Oids.CrlDistributionPoints))
        {
            // §4.2.1.13: checked for shape; the fullNames scope partitioned CRLs (§6.3.3 (b)(2)). Not "processed" in the
            // sense of §4.2, so a critical one still fails validation.
            CrlDistributionPointNames = DistributionPoints.ParseCrlDistributionPoints(value);
            MarkUnprocessed(oid, critical);
        }
        else
        {
            // issuerAltName and every extension this library does not know.
            MarkUnprocessed(oid, critical);
        }
    }

    private static void RejectCritical(bool critical, string field, string section)
    {
        if (critical)
            throw new X509FormatException(field, $"must not be marked critical (RFC 5280 {section})");
    }

    private void MarkUnprocessed(ReadOnlySpan<byte> oid, bool critical)
    {
        if (critical && !HasUnknownCritical)
        {
            HasUnknownCritical = true;
            FirstUnknownCriticalOid = DerReader.OidToString(oid);
        }
    }

    // ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12); returns the SEQUENCE contents.
    private static ReadOnlySpan<byte> ValidateExtendedKeyUsage(ReadOnlySpan<byte> value)
    {
        const string Field = "extKeyUsage";
        var outer = new DerReader(value);
        ReadOnlySpan<byte> contents = outer.ReadContent(DerTag.Sequence, Field);
        outer.ExpectEnd(Field);
        var seq = new DerReader(contents);
        int count = 0;
        while (seq.HasData)
        {
            if (++count > 64)
                throw new X509FormatException(Field, "more than 64 key purposes");
            seq.ReadOid(Field + ".keyPurposeId");
        }
        if (count == 0)
            throw new X509FormatException(Field, "must contain at least one key purpose");
        return contents;
    }

    /// <summary>True if extendedKeyUsage is present and lists <paramref name="purpose"/>.</summary>
    public bool HasExtendedKeyUsage(byte[] purpose)
    {
        if (ExtendedKeyUsage is not { } eku)
            return false;
        // Validated when read: the walk cannot fail.
        var seq = new DerReader(eku.Span);
        while (seq.HasData)
        {
            if (Oids.Is(seq.ReadOid("extKeyUsage.keyPurposeId"), purpose))
                return true;
        }
        return false;
    }

    /// <summary>The extendedKeyUsage purposes in dotted form, or null when the extension is absent.</summary>
    public string[]? ExtendedKeyUsageOids()
    {
        if (ExtendedKeyUsage is not { } eku)
            return null;
        var oids = new List<string>();
        var seq = new DerReader(eku.Span);
        while (seq.HasData)
            oids.Add(DerReader.OidToString(seq.ReadOid("extKeyUsage.keyPurposeId")));
        return oids.ToArray();
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

    /// <summary>X509-SVID §2: the SPIFFE ID is the one URI SAN when there is exactly one and it is valid; otherwise null.</summary>
    public string? SpiffeId()
    {
        string? uri = null;
        foreach (GeneralName n in SubjectAltNames)
        {
            if (n.Kind != GeneralNameKind.Uri || n.Text is null)
                continue;
            if (uri is not null)
                return null;
            uri = n.Text;
        }
        return SpiffeIdentity.IsValid(uri) ? uri : null;
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
