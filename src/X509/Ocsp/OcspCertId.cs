using System.Security.Cryptography;

namespace TlsEngine.X509;

/// <summary>
/// CertID (RFC 6960 §4.1.1): the hash algorithm, the hash of the issuer's name and public key, and the serial number
/// that together name one certificate.
/// </summary>
public sealed class OcspCertId
{
    internal OcspCertId(HashAlgorithmName hash, byte[] issuerNameHash, byte[] issuerKeyHash, byte[] serialNumber)
    {
        Hash = hash;
        IssuerNameHash = issuerNameHash;
        IssuerKeyHash = issuerKeyHash;
        SerialNumber = serialNumber;
    }

    public HashAlgorithmName Hash { get; }
    public byte[] IssuerNameHash { get; }
    public byte[] IssuerKeyHash { get; }

    /// <summary>The serial number INTEGER contents.</summary>
    public byte[] SerialNumber { get; }

    /// <summary>The CertID of <paramref name="certificate"/> issued by <paramref name="issuer"/> (SHA-1 by default, as responders expect).</summary>
    public static OcspCertId For(Certificate certificate, Certificate issuer, HashAlgorithmName? hash = null)
    {
        var h = hash ?? HashAlgorithmName.SHA1;
        return new OcspCertId(h, HashOf(h, issuer.Subject.RawData.Span), HashOf(h, SubjectPublicKeyBits(issuer)), certificate.SerialNumber.ToArray());
    }

    /// <summary>True if this CertID names <paramref name="certificate"/> as issued by <paramref name="issuer"/>.</summary>
    public bool Matches(Certificate certificate, Certificate issuer) =>
        certificate.SerialNumber.Span.SequenceEqual(SerialNumber)
        && IssuerNameHash.AsSpan().SequenceEqual(HashOf(Hash, issuer.Subject.RawData.Span))
        && IssuerKeyHash.AsSpan().SequenceEqual(HashOf(Hash, SubjectPublicKeyBits(issuer)));

    /// <summary>The subjectPublicKey BIT STRING value, without tag, length and unused-bits octet (RFC 6960 §4.1.1).</summary>
    internal static ReadOnlySpan<byte> SubjectPublicKeyBits(Certificate certificate)
    {
        var outer = new DerReader(certificate.SubjectPublicKeyInfo.Span);
        var spki = outer.ReadSequence("subjectPublicKeyInfo");
        spki.ReadEncodedValue("subjectPublicKeyInfo.algorithm");
        return spki.ReadBitString("subjectPublicKeyInfo.subjectPublicKey", out _);
    }

    internal static byte[] HashOf(HashAlgorithmName hash, ReadOnlySpan<byte> data)
    {
        if (hash == HashAlgorithmName.SHA1) return SHA1.HashData(data);
        if (hash == HashAlgorithmName.SHA256) return SHA256.HashData(data);
        if (hash == HashAlgorithmName.SHA384) return SHA384.HashData(data);
        if (hash == HashAlgorithmName.SHA512) return SHA512.HashData(data);
        throw new X509Exception($"hash {hash.Name} is not supported in CertID");
    }

    internal static HashAlgorithmName? HashFromOid(ReadOnlySpan<byte> oid) =>
        Oids.Is(oid, OcspOids.Sha1) ? HashAlgorithmName.SHA1 :
        Oids.Is(oid, OcspOids.Sha256) ? HashAlgorithmName.SHA256 :
        Oids.Is(oid, OcspOids.Sha384) ? HashAlgorithmName.SHA384 :
        Oids.Is(oid, OcspOids.Sha512) ? HashAlgorithmName.SHA512 : null;

    internal static byte[] OidFor(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA1 ? OcspOids.Sha1 :
        hash == HashAlgorithmName.SHA256 ? OcspOids.Sha256 :
        hash == HashAlgorithmName.SHA384 ? OcspOids.Sha384 :
        hash == HashAlgorithmName.SHA512 ? OcspOids.Sha512 : throw new X509Exception($"hash {hash.Name} is not supported in CertID");

    public override string ToString() => $"CertID(serial {Convert.ToHexString(SerialNumber)}, {Hash.Name})";
}
