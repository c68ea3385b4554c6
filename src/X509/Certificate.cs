using System.Diagnostics.CodeAnalysis;
using System.Net;
using TlsEngine.Crypto;
using CryptoSignatureAlgorithm = TlsEngine.Crypto.SignatureAlgorithm;

namespace TlsEngine.X509;

/// <summary>
/// An X.509 v1–v3 certificate (RFC 5280 §4.1), parsed strictly from DER. Immutable and safe to share between
/// threads; the public key is imported on first use and cached.
/// </summary>
public sealed class Certificate
{
    private readonly CertificateExtensions _extensions;
    private readonly string? _signatureProblem;
    private object? _keyOrError;

    // The certificate's own copy of its encoding; the fields below are positions in it.
    private readonly byte[] _raw;
    private readonly (int Start, int Length) _tbs, _serial, _spki, _signature;

    // Lists made from the extensions on first use (a handshake reads few of them; shared results, so a race only
    // makes one twice), in an object of their own that most certificates never need.
    private Lists? _lists;
    private int _selfIssued; // 0 unknown, 1 no, 2 yes
    private string? _spiffeId;
    private volatile bool _spiffeIdKnown;

    private Certificate(byte[] raw, ref Parts parts)
    {
        _raw = raw;
        _tbs = Position(raw, parts.Tbs);
        Version = parts.Version;
        _serial = Position(raw, parts.Serial);
        Issuer = parts.Issuer!;
        Subject = parts.Subject!;
        NotBefore = parts.NotBefore;
        NotAfter = parts.NotAfter;
        _spki = Position(raw, parts.Spki);
        PublicKeyAlgorithmOid = parts.SpkiAlgorithmOid!;
        SignatureAlgorithm = parts.SignatureAlgorithm;
        SignatureAlgorithmOid = parts.SignatureAlgorithmOid!;
        _signatureProblem = parts.SignatureProblem;
        SignatureAlgorithmsMatch = parts.AlgorithmsMatch;
        _signature = Position(raw, parts.Signature);
        _extensions = parts.Extensions ?? CertificateExtensions.Empty;
    }

    private static (int, int) Position(byte[] raw, ReadOnlyMemory<byte> part)
    {
        raw.AsSpan().Overlaps(part.Span, out int offset);
        return (offset, part.Length);
    }

    private ReadOnlyMemory<byte> Slice((int Start, int Length) position) => new(_raw, position.Start, position.Length);

    private Lists Views => _lists ??= new Lists();

    /// <summary>The whole DER encoding.</summary>
    public ReadOnlyMemory<byte> RawData => _raw;

    /// <summary>The DER encoding of tbsCertificate: the bytes the issuer signed.</summary>
    public ReadOnlyMemory<byte> TbsCertificate => Slice(_tbs);

    /// <summary>The certificate version: 1, 2 or 3.</summary>
    public int Version { get; }

    /// <summary>The serialNumber INTEGER contents (big-endian two's complement).</summary>
    public ReadOnlyMemory<byte> SerialNumber => Slice(_serial);

    /// <summary>The issuer name.</summary>
    public DistinguishedName Issuer { get; }

    /// <summary>The subject name.</summary>
    public DistinguishedName Subject { get; }

    /// <summary>Start of the validity period (inclusive).</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of the validity period (inclusive, RFC 5280 §4.1.2.5).</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The DER encoding of subjectPublicKeyInfo.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => Slice(_spki);

    /// <summary>The public key algorithm OID in dotted form.</summary>
    public string PublicKeyAlgorithmOid { get; }

    /// <summary>The outer signatureAlgorithm, or null when it is not supported (see <see cref="SignatureAlgorithmOid"/>).</summary>
    public CryptoSignatureAlgorithm? SignatureAlgorithm { get; }

    /// <summary>The outer signatureAlgorithm OID in dotted form.</summary>
    public string SignatureAlgorithmOid { get; }

    /// <summary>The signatureValue bits.</summary>
    public ReadOnlyMemory<byte> Signature => Slice(_signature);

    /// <summary>Every extension, in encoded order.</summary>
    public IReadOnlyList<X509Extension> Extensions => _extensions.All;

    /// <summary>The extension with the given dotted OID, or null when absent.</summary>
    public X509Extension? GetExtension(string oid)
    {
        foreach (X509Extension e in _extensions.All)
        {
            if (e.Oid == oid)
                return e;
        }
        return null;
    }

    /// <summary>basicConstraints (§4.2.1.9), or null when absent.</summary>
    public BasicConstraints? BasicConstraints => _extensions.BasicConstraints;

    /// <summary>keyUsage (§4.2.1.3), or null when absent.</summary>
    public KeyUsageFlags? KeyUsage => _extensions.KeyUsage;

    /// <summary>extendedKeyUsage purposes as dotted OIDs (§4.2.1.12), or null when the extension is absent.</summary>
    public IReadOnlyList<string>? ExtendedKeyUsage => Views.ExtendedKeyUsage ??= _extensions.ExtendedKeyUsageOids();

    /// <summary>True if extendedKeyUsage contains anyExtendedKeyUsage.</summary>
    public bool HasAnyExtendedKeyUsage => HasExtendedKeyUsage(Oids.AnyExtendedKeyUsage);

    /// <summary>All subjectAltName entries (§4.2.1.6); empty when the extension is absent.</summary>
    public IReadOnlyList<GeneralName> SubjectAlternativeNames => _extensions.SubjectAltNames;

    internal GeneralName[] SubjectAltNameArray => _extensions.SubjectAltNames;

    /// <summary>True if the certificate has a subjectAltName extension.</summary>
    public bool HasSubjectAlternativeName => _extensions.HasSubjectAltName;

    /// <summary>dNSName entries of subjectAltName.</summary>
    public IReadOnlyList<string> DnsNames => Views.DnsNames ??= _extensions.NamesOf(GeneralNameKind.DnsName, static n => n.Text);

    /// <summary>iPAddress entries of subjectAltName.</summary>
    public IReadOnlyList<IPAddress> IpAddresses => Views.IpAddresses ??= _extensions.IpAddresses();

    /// <summary>uniformResourceIdentifier entries of subjectAltName.</summary>
    public IReadOnlyList<string> Uris => Views.Uris ??= _extensions.NamesOf(GeneralNameKind.Uri, static n => n.Text);

    /// <summary>rfc822Name entries of subjectAltName.</summary>
    public IReadOnlyList<string> EmailAddresses => Views.EmailAddresses ??= _extensions.NamesOf(GeneralNameKind.Rfc822Name, static n => n.Text);

    /// <summary>directoryName entries of subjectAltName.</summary>
    public IReadOnlyList<DistinguishedName> DirectoryNames => Views.DirectoryNames ??= _extensions.NamesOf(GeneralNameKind.DirectoryName, static n => n.DirectoryName);

    /// <summary>subjectKeyIdentifier (§4.2.1.2), or null when absent.</summary>
    public ReadOnlyMemory<byte>? SubjectKeyIdentifier => _extensions.SubjectKeyIdentifier;

    /// <summary>authorityKeyIdentifier (§4.2.1.1), or null when absent.</summary>
    public AuthorityKeyIdentifier? AuthorityKeyIdentifier => _extensions.AuthorityKeyIdentifier;

    /// <summary>authorityKeyIdentifier's keyIdentifier, or null (without making the extension's object).</summary>
    internal ReadOnlyMemory<byte>? AuthorityKeyId => _extensions.AuthorityKeyId;

    /// <summary>nameConstraints (§4.2.1.10), or null when absent.</summary>
    public NameConstraints? NameConstraints => _extensions.NameConstraints;

    /// <summary>The policy extensions (certificatePolicies, policyMappings, policyConstraints, inhibitAnyPolicy).</summary>
    public PolicyExtensions PolicyExtensions => _extensions.Policies;

    /// <summary>True if a critical extension is present that this library does not process (§4.2).</summary>
    public bool HasUnknownCriticalExtension => _extensions.HasUnknownCritical;

    /// <summary>The SPIFFE ID (X509-SVID §2): the single URI SAN when it is a valid SPIFFE ID, otherwise null.</summary>
    public string? SpiffeId => _spiffeIdKnown ? _spiffeId : KnowSpiffeId();

    private string? KnowSpiffeId()
    {
        _spiffeId = _extensions.SpiffeId();
        _spiffeIdKnown = true;
        return _spiffeId;
    }

    /// <summary>True if subject and issuer are the same name (RFC 5280 §6.1 "self-issued").</summary>
    public bool IsSelfIssued
    {
        get
        {
            int known = _selfIssued;
            if (known == 0)
                _selfIssued = known = Subject.Matches(Issuer) ? 2 : 1;
            return known == 2;
        }
    }

    /// <summary>True if the outer signatureAlgorithm equals the signature field inside tbsCertificate (§4.1.1.2).</summary>
    internal bool SignatureAlgorithmsMatch { get; }

    /// <summary>Why <see cref="SignatureAlgorithm"/> is null.</summary>
    internal string? SignatureAlgorithmProblem => _signatureProblem;

    internal string? FirstUnknownCriticalExtension => _extensions.FirstUnknownCriticalOid;

    /// <summary>The fullName entries of each cRLDistributionPoints entry (§4.2.1.13), or null when the extension is absent.</summary>
    internal GeneralName[][]? CrlDistributionPointNames => _extensions.CrlDistributionPointNames;

    internal bool HasExtendedKeyUsage(byte[] purpose) => _extensions.HasExtendedKeyUsage(purpose);

    /// <summary>The extnValue contents of the extension of the given type, or null when it is absent.</summary>
    internal ReadOnlyMemory<byte>? ExtensionValue(byte[] oid) => _extensions.ValueOf(oid);

    /// <summary>The criticality of the extension of the given type, or null when it is absent.</summary>
    internal bool? IsExtensionCritical(byte[] oid) => _extensions.IsCritical(oid);

    internal bool HasExtendedKeyUsageExtension => _extensions.ExtendedKeyUsage is not null;

    /// <summary>
    /// The subject public key, imported on first use. Throws <see cref="X509Exception"/> when the key is malformed or
    /// of an unsupported type.
    /// </summary>
    public PublicKey PublicKey => TryGetPublicKey(out PublicKey? key, out string? error) ? key : throw new X509Exception($"certificate '{Subject}': {error}");

    /// <summary>Imports (once) and returns the public key, or false with the reason.</summary>
    internal bool TryGetPublicKey([NotNullWhen(true)] out PublicKey? key, [NotNullWhen(false)] out string? error)
    {
        object? state = Volatile.Read(ref _keyOrError);
        if (state is null)
        {
            object created;
            try
            {
                created = PublicKeyDecoder.Import(SubjectPublicKeyInfo.Span);
            }
            catch (X509Exception e)
            {
                created = e.Message;
            }
            state = Interlocked.CompareExchange(ref _keyOrError, created, null);
            if (state is null)
                state = created;
            else
                (created as PublicKey)?.Dispose();
        }
        key = state as PublicKey;
        error = key is null ? (string)state : null;
        return key is not null;
    }

    /// <summary>The subject name in RFC 4514 form.</summary>
    public override string ToString() => Subject.ToString();

    /// <summary>Parses one DER certificate. The input is copied; trailing bytes after the certificate are rejected.</summary>
    /// <exception cref="X509FormatException">The input is not a well-formed certificate.</exception>
    public static Certificate Parse(ReadOnlyMemory<byte> der)
    {
        // The copy is the certificate's own storage: every field is a slice of it.
        byte[] raw = der.ToArray();
        var parts = default(Parts);
        CertificateParser.Parse(raw, ref parts);
        return new Certificate(raw, ref parts);
    }

    private sealed class Lists
    {
        public string[]? DnsNames;
        public string[]? Uris;
        public string[]? EmailAddresses;
        public DistinguishedName[]? DirectoryNames;
        public IPAddress[]? IpAddresses;
        public string[]? ExtendedKeyUsage;
    }

    /// <summary>Fields collected by <see cref="CertificateParser"/>.</summary>
    internal struct Parts
    {
        public ReadOnlyMemory<byte> Tbs;
        public int Version;
        public ReadOnlyMemory<byte> Serial;
        public DistinguishedName? Issuer;
        public DistinguishedName? Subject;
        public DateTimeOffset NotBefore;
        public DateTimeOffset NotAfter;
        public ReadOnlyMemory<byte> Spki;
        public string? SpkiAlgorithmOid;
        public CryptoSignatureAlgorithm? SignatureAlgorithm;
        public string? SignatureAlgorithmOid;
        public string? SignatureProblem;
        public bool AlgorithmsMatch;
        public ReadOnlyMemory<byte> Signature;
        public CertificateExtensions? Extensions;
    }
}
