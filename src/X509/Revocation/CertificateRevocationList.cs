using TlsEngine.Crypto;
using CryptoSignatureAlgorithm = TlsEngine.Crypto.SignatureAlgorithm;

namespace TlsEngine.X509;

/// <summary>
/// An X.509 v1 or v2 certificate revocation list (RFC 5280 §5), parsed strictly from DER. Immutable and safe to share
/// between threads. Parsing checks structure only; whether the CRL may be used for a certificate (issuer, signature,
/// freshness, scope, critical extensions) is decided during validation (RFC 5280 §6.3.3), see
/// <see cref="ValidationOptions.Crls"/>.
/// </summary>
public sealed class CertificateRevocationList
{
    /// <summary>Upper bound on revoked entries in one CRL (about 40 MB of DER).</summary>
    public const int MaxEntries = 1_000_000;

    private readonly Dictionary<string, RevokedCertificate> _bySerial;
    private readonly X509Extension[] _extensions;

    private CertificateRevocationList(byte[] raw, ref Parts p)
    {
        RawData = raw;
        TbsCertList = p.Tbs;
        Version = p.Version;
        Issuer = p.Issuer!;
        ThisUpdate = p.ThisUpdate;
        NextUpdate = p.NextUpdate;
        SignatureAlgorithm = p.SignatureAlgorithm;
        SignatureAlgorithmOid = p.SignatureAlgorithmOid!;
        SignatureAlgorithmProblem = p.SignatureProblem;
        SignatureAlgorithmsMatch = p.AlgorithmsMatch;
        Signature = p.Signature;
        _extensions = p.Extensions ?? [];
        _bySerial = p.Entries ?? new Dictionary<string, RevokedCertificate>(0, StringComparer.Ordinal);
        CrlNumber = p.CrlNumber;
        AuthorityKeyIdentifier = p.AuthorityKeyIdentifier;
        IsDelta = p.IsDelta;
        IssuingDistributionPoint = p.IssuingDistributionPoint;
        FirstUnknownCriticalExtension = p.UnknownCritical;
    }

    /// <summary>The whole DER encoding.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The DER encoding of tbsCertList: the bytes the issuer signed.</summary>
    public ReadOnlyMemory<byte> TbsCertList { get; }

    /// <summary>1 or 2 (§5.1.2.1).</summary>
    public int Version { get; }

    /// <summary>The CRL issuer (§5.1.2.3).</summary>
    public DistinguishedName Issuer { get; }

    /// <summary>thisUpdate (§5.1.2.4).</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>nextUpdate (§5.1.2.5), or null when absent.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The signatureAlgorithm, or null when unsupported (see <see cref="SignatureAlgorithmOid"/>).</summary>
    public CryptoSignatureAlgorithm? SignatureAlgorithm { get; }

    /// <summary>The signatureAlgorithm OID in dotted form.</summary>
    public string SignatureAlgorithmOid { get; }

    /// <summary>The signatureValue bits.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The crlExtensions, in encoded order (§5.2).</summary>
    public IReadOnlyList<X509Extension> Extensions => _extensions;

    /// <summary>The cRLNumber (§5.2.3) INTEGER contents, or null when absent.</summary>
    public ReadOnlyMemory<byte>? CrlNumber { get; }

    /// <summary>authorityKeyIdentifier (§5.2.1), or null when absent.</summary>
    public AuthorityKeyIdentifier? AuthorityKeyIdentifier { get; }

    /// <summary>True if this is a delta CRL (deltaCRLIndicator, §5.2.4). Delta CRLs are not used yet.</summary>
    public bool IsDelta { get; }

    /// <summary>Number of revoked certificates listed.</summary>
    public int Count => _bySerial.Count;

    /// <summary>The revoked certificates, in no particular order.</summary>
    public IEnumerable<RevokedCertificate> RevokedCertificates => _bySerial.Values;

    internal IssuingDistributionPoint? IssuingDistributionPoint { get; }

    internal string? SignatureAlgorithmProblem { get; }

    internal bool SignatureAlgorithmsMatch { get; }

    /// <summary>The first critical CRL or entry extension this library does not process (§5.2, §5.3), or null.</summary>
    internal string? FirstUnknownCriticalExtension { get; }

    /// <summary>The entry for <paramref name="serialNumber"/> (INTEGER contents, as <see cref="Certificate.SerialNumber"/>), or null.</summary>
    public RevokedCertificate? Find(ReadOnlySpan<byte> serialNumber) =>
        _bySerial.TryGetValue(Convert.ToHexString(serialNumber), out RevokedCertificate? entry) ? entry : null;

    /// <inheritdoc/>
    public override string ToString() => $"CRL of '{Issuer}' ({Count} entries, thisUpdate {ThisUpdate:u})";

    /// <summary>Parses one DER CRL. The input is copied; trailing bytes are rejected.</summary>
    /// <exception cref="X509FormatException">The input is not a well-formed CRL.</exception>
    public static CertificateRevocationList Parse(ReadOnlyMemory<byte> der)
    {
        byte[] raw = der.ToArray();
        var parts = default(Parts);
        CrlParser.Parse(raw, ref parts);
        return new CertificateRevocationList(raw, ref parts);
    }

    /// <summary>Every "X509 CRL" block of a PEM text (other blocks ignored), or the one CRL of a DER input.</summary>
    /// <exception cref="X509FormatException">Malformed PEM, no CRL, or a malformed CRL.</exception>
    public static IReadOnlyList<CertificateRevocationList> Load(ReadOnlySpan<byte> pemOrDer)
    {
        if (!Pem.LooksLikePem(pemOrDer))
            return [Parse(pemOrDer.ToArray())];
        List<Pem.Block> blocks;
        try
        {
            blocks = Pem.Decode(pemOrDer);
        }
        catch (FormatException e)
        {
            throw new X509FormatException("PEM", e.Message);
        }
        var result = new List<CertificateRevocationList>();
        foreach (Pem.Block block in blocks)
        {
            if (block.Label == "X509 CRL")
                result.Add(Parse(block.Der));
        }
        if (result.Count == 0)
            throw new X509FormatException("PEM", "no X509 CRL block found");
        return result;
    }

    /// <summary>Reads a file and returns its CRLs as <see cref="Load"/> does. I/O errors propagate as usual.</summary>
    public static IReadOnlyList<CertificateRevocationList> LoadFile(string path) => Load(File.ReadAllBytes(path));

    internal struct Parts
    {
        public ReadOnlyMemory<byte> Tbs;
        public int Version;
        public DistinguishedName? Issuer;
        public DateTimeOffset ThisUpdate;
        public DateTimeOffset? NextUpdate;
        public CryptoSignatureAlgorithm? SignatureAlgorithm;
        public string? SignatureAlgorithmOid;
        public string? SignatureProblem;
        public bool AlgorithmsMatch;
        public ReadOnlyMemory<byte> Signature;
        public X509Extension[]? Extensions;
        public Dictionary<string, RevokedCertificate>? Entries;
        public ReadOnlyMemory<byte>? CrlNumber;
        public AuthorityKeyIdentifier? AuthorityKeyIdentifier;
        public bool IsDelta;
        public IssuingDistributionPoint? IssuingDistributionPoint;
        public string? UnknownCritical;
    }
}

// CrlReason (RFC 5280 §5.3.1) is shared with OCSP: see Ocsp/OcspResponse.cs.

/// <summary>One revokedCertificates entry of a CRL (RFC 5280 §5.1.2.6, §5.3).</summary>
public sealed class RevokedCertificate
{
    internal RevokedCertificate(byte[] serial, DateTimeOffset revocationDate, CrlReason? reason, DateTimeOffset? invalidityDate)
    {
        SerialNumber = serial;
        RevocationDate = revocationDate;
        Reason = reason;
        InvalidityDate = invalidityDate;
    }

    /// <summary>userCertificate: the serial number INTEGER contents.</summary>
    public ReadOnlyMemory<byte> SerialNumber { get; }

    /// <summary>revocationDate.</summary>
    public DateTimeOffset RevocationDate { get; }

    /// <summary>The reasonCode entry extension (§5.3.1), or null when absent.</summary>
    public CrlReason? Reason { get; }

    /// <summary>The invalidityDate entry extension (§5.3.2), or null when absent.</summary>
    public DateTimeOffset? InvalidityDate { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"serial {Convert.ToHexString(SerialNumber.Span)} revoked {RevocationDate:u} ({Reason?.ToString() ?? "no reason code"})";
}
