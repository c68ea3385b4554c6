namespace TlsEngine.X509;

/// <summary>
/// Object identifiers the X.509 layer recognises, held in their DER content encoding so that parsed OIDs are
/// compared with <see cref="MemoryExtensions.SequenceEqual{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/> without allocating.
/// </summary>
internal static class Oids
{
    // RFC 5280 §4.2.1 certificate extensions (id-ce = 2.5.29).
    public static readonly byte[] SubjectKeyIdentifier = Encode("2.5.29.14");
    public static readonly byte[] KeyUsage = Encode("2.5.29.15");
    public static readonly byte[] SubjectAltName = Encode("2.5.29.17");
    public static readonly byte[] IssuerAltName = Encode("2.5.29.18");
    public static readonly byte[] BasicConstraints = Encode("2.5.29.19");
    public static readonly byte[] NameConstraints = Encode("2.5.29.30");
    public static readonly byte[] CrlDistributionPoints = Encode("2.5.29.31");
    public static readonly byte[] CertificatePolicies = Encode("2.5.29.32");
    public static readonly byte[] PolicyMappings = Encode("2.5.29.33");
    public static readonly byte[] AuthorityKeyIdentifier = Encode("2.5.29.35");
    public static readonly byte[] PolicyConstraints = Encode("2.5.29.36");
    public static readonly byte[] ExtendedKeyUsage = Encode("2.5.29.37");
    public static readonly byte[] InhibitAnyPolicy = Encode("2.5.29.54");
    public static readonly byte[] AuthorityInfoAccess = Encode("1.3.6.1.5.5.7.1.1");

    // RFC 5280 §5.2 CRL extensions and §5.3 CRL entry extensions.
    public static readonly byte[] CrlNumber = Encode("2.5.29.20");
    public static readonly byte[] DeltaCrlIndicator = Encode("2.5.29.27");
    public static readonly byte[] IssuingDistributionPoint = Encode("2.5.29.28");
    public static readonly byte[] FreshestCrl = Encode("2.5.29.46");
    public static readonly byte[] ReasonCode = Encode("2.5.29.21");
    public static readonly byte[] InvalidityDate = Encode("2.5.29.24");
    public static readonly byte[] CertificateIssuer = Encode("2.5.29.29");

    // RFC 5280 §4.2.1.4 and §4.2.1.12.
    public static readonly byte[] AnyPolicy = Encode("2.5.29.32.0");
    public static readonly byte[] AnyExtendedKeyUsage = Encode("2.5.29.37.0");
    public static readonly byte[] ServerAuth = Encode("1.3.6.1.5.5.7.3.1");
    public static readonly byte[] ClientAuth = Encode("1.3.6.1.5.5.7.3.2");

    // Signature algorithms: RFC 5758 §3.2 (ECDSA), RFC 4055 §5 and §3.1 (RSA), RFC 8410 §3 (Ed25519).
    public static readonly byte[] EcdsaWithSha256 = Encode("1.2.840.10045.4.3.2");
    public static readonly byte[] EcdsaWithSha384 = Encode("1.2.840.10045.4.3.3");
    public static readonly byte[] EcdsaWithSha512 = Encode("1.2.840.10045.4.3.4");
    public static readonly byte[] Sha256WithRsa = Encode("1.2.840.113549.1.1.11");
    public static readonly byte[] Sha384WithRsa = Encode("1.2.840.113549.1.1.12");
    public static readonly byte[] Sha512WithRsa = Encode("1.2.840.113549.1.1.13");
    public static readonly byte[] RsassaPss = Encode("1.2.840.113549.1.1.10");
    public static readonly byte[] Mgf1 = Encode("1.2.840.113549.1.1.8");
    public static readonly byte[] Ed25519 = Encode("1.3.101.112");

    // Hash functions (RFC 4055 §2.1).
    public static readonly byte[] Sha1 = Encode("1.3.14.3.2.26");
    public static readonly byte[] Sha256 = Encode("2.16.840.1.101.3.4.2.1");
    public static readonly byte[] Sha384 = Encode("2.16.840.1.101.3.4.2.2");
    public static readonly byte[] Sha512 = Encode("2.16.840.1.101.3.4.2.3");

    // Public keys: RFC 5480 §2.1.1 (EC), RFC 4055 §1.2 (RSA, RSASSA-PSS), RFC 8410 §3 (Ed25519).
    public static readonly byte[] EcPublicKey = Encode("1.2.840.10045.2.1");
    public static readonly byte[] RsaEncryption = Encode("1.2.840.113549.1.1.1");
    public static readonly byte[] Secp256r1 = Encode("1.2.840.10045.3.1.7");
    public static readonly byte[] Secp384r1 = Encode("1.3.132.0.34");
    public static readonly byte[] Secp521r1 = Encode("1.3.132.0.35");

    // Attribute types used in names (RFC 5280 Appendix A.1, RFC 4519).
    public static readonly byte[] CommonName = Encode("2.5.4.3");
    public static readonly byte[] EmailAddress = Encode("1.2.840.113549.1.9.1");

    /// <summary>DER content encoding of a dotted OID (X.690 §8.19). For constants only: the input is trusted.</summary>
    internal static byte[] Encode(string dotted)
    {
        string[] parts = dotted.Split('.');
        var arcs = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            arcs[i] = ulong.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
        var result = new List<byte>(parts.Length * 2);
        AppendBase128(result, arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.Length; i++)
            AppendBase128(result, arcs[i]);
        return result.ToArray();
    }

    private static void AppendBase128(List<byte> output, ulong value)
    {
        Span<byte> tmp = stackalloc byte[10];
        int n = 0;
        do
        {
            tmp[n++] = (byte)(value & 0x7F);
            value >>= 7;
        }
        while (value != 0);
        for (int i = n - 1; i >= 0; i--)
            output.Add((byte)(tmp[i] | (i > 0 ? 0x80 : 0)));
    }

    /// <summary>True if the validated OID contents <paramref name="oid"/> equal <paramref name="known"/>.</summary>
    public static bool Is(ReadOnlySpan<byte> oid, byte[] known) => oid.SequenceEqual(known);
}
