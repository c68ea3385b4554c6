namespace TlsEngine.X509;

/// <summary>The authorityKeyIdentifier extension (RFC 5280 §4.2.1.1).</summary>
public sealed class AuthorityKeyIdentifier
{
    /// <summary>An authorityKeyIdentifier holding only a keyIdentifier (see <see cref="TryReadKeyIdentifierOnly"/>).</summary>
    internal AuthorityKeyIdentifier(ReadOnlyMemory<byte> keyIdentifier)
        : this(keyIdentifier, null, null)
    {
    }

    private AuthorityKeyIdentifier(ReadOnlyMemory<byte>? keyIdentifier, GeneralName[]? issuer, ReadOnlyMemory<byte>? serial)
    {
        KeyIdentifier = keyIdentifier;
        AuthorityCertIssuer = issuer;
        AuthorityCertSerialNumber = serial;
    }

    /// <summary>The keyIdentifier field: normally the issuer's subjectKeyIdentifier. Null if absent.</summary>
    public ReadOnlyMemory<byte>? KeyIdentifier { get; }

    /// <summary>The authorityCertIssuer names, or null if absent.</summary>
    public IReadOnlyList<GeneralName>? AuthorityCertIssuer { get; }

    /// <summary>The authorityCertSerialNumber INTEGER contents, or null if absent.</summary>
    public ReadOnlyMemory<byte>? AuthorityCertSerialNumber { get; }

    // AuthorityKeyIdentifier ::= SEQUENCE {
    //   keyIdentifier [0] KeyIdentifier OPTIONAL, authorityCertIssuer [1] GeneralNames OPTIONAL,
    //   authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }   -- IMPLICIT tags
    /// <summary>
    /// The common form, SEQUENCE { keyIdentifier [0] } alone, read without building anything: true with the
    /// keyIdentifier when <paramref name="value"/> is exactly that; false for any other form (well-formed or not), which
    /// <see cref="Parse"/> then reads and checks.
    /// </summary>
    internal static bool TryReadKeyIdentifierOnly(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> keyIdentifier)
    {
        keyIdentifier = default;
        // 0x30 L 0x80 L' keyIdentifier, short-form lengths only (an identifier is 20 bytes or so); anything else takes
        // the full parse.
        if (value.Length < 4 || value[0] != DerTag.Sequence || value[1] != value.Length - 2 || value[1] >= 0x80
            || value[2] != DerTag.ContextPrimitive(0) || value[3] != value.Length - 4)
            return false;
        keyIdentifier = value[4..];
        return true;
    }

    // The identifiers are slices of owner, in which value lies.
    internal static AuthorityKeyIdentifier Parse(ReadOnlySpan<byte> value, ReadOnlyMemory<byte> owner)
    {
        const string Field = "authorityKeyIdentifier";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        ReadOnlyMemory<byte>? keyId = null;
        GeneralName[]? issuer = null;
        ReadOnlyMemory<byte>? serial = null;
        if (seq.IsNext(DerTag.ContextPrimitive(0)))
            keyId = MemorySlice.Within(owner, seq.ReadContent(DerTag.ContextPrimitive(0), Field + ".keyIdentifier"));
        if (seq.IsNext(DerTag.ContextConstructed(1)))
        {
            DerReader names = seq.ReadConstructed(DerTag.ContextConstructed(1), Field + ".authorityCertIssuer");
            var list = new List<GeneralName>();
            while (names.HasData)
            {
                if (list.Count >= 64)
                    throw new X509FormatException(Field + ".authorityCertIssuer", "too many names");
                list.Add(GeneralName.Read(ref names, Field + ".authorityCertIssuer", constraintForm: false));
            }
            if (list.Count == 0)
                throw new X509FormatException(Field + ".authorityCertIssuer", "GeneralNames must not be empty");
            issuer = list.ToArray();
        }
        if (seq.IsNext(DerTag.ContextPrimitive(2)))
            serial = MemorySlice.Within(owner, DerReader.ValidateInteger(seq.ReadContent(DerTag.ContextPrimitive(2), Field + ".authorityCertSerialNumber"), Field));
        seq.ExpectEnd(Field);
        return new AuthorityKeyIdentifier(keyId, issuer, serial);
    }
}
