using TlsEngine.Crypto;

namespace TlsEngine.X509;

/// <summary>Imports a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) into a <see cref="PublicKey"/>.</summary>
internal static class PublicKeyDecoder
{
    /// <summary>Smallest RSA modulus accepted, in bits.</summary>
    public const int MinimumRsaBits = 2048;

    /// <summary>Reads the SubjectPublicKeyInfo structure (no key import) and returns the algorithm OID in dotted form.</summary>
    public static string ReadStructure(ReadOnlySpan<byte> spki)
    {
        const string Field = "subjectPublicKeyInfo";
        var outer = new DerReader(spki);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        AlgorithmIdentifier alg = AlgorithmIdentifier.Read(ref seq, Field + ".algorithm");
        seq.ReadBitString(Field + ".subjectPublicKey", out _);
        seq.ExpectEnd(Field);
        return DerReader.OidToString(alg.Oid);
    }

    /// <summary>Imports the key, throwing <see cref="X509Exception"/> for anything unsupported or malformed.</summary>
    public static PublicKey Import(ReadOnlySpan<byte> spki) => Decode(spki, create: true)!;

    /// <summary>
    /// Returns null if the key is of a supported algorithm, curve and size and well formed as far as can be seen without
    /// importing it (an EC point is checked to lie on the curve only by <see cref="Import"/>), otherwise why not. Much
    /// cheaper than <see cref="Import"/>, which validates the point with the crypto backend.
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> spki)
    {
        try
        {
            Decode(spki, create: false);
            return null;
        }
        catch (X509Exception e)
        {
            return e.Message;
        }
    }

    private static PublicKey? Decode(ReadOnlySpan<byte> spki, bool create)
    {
        const string Field = "subjectPublicKeyInfo";
        var outer = new DerReader(spki);
        DerReader seq = outer.ReadSequence(Field);
        AlgorithmIdentifier alg = AlgorithmIdentifier.Read(ref seq, Field + ".algorithm");
        ReadOnlySpan<byte> key = seq.ReadBitStringBytes(Field + ".subjectPublicKey");
        try
        {
            if (Oids.Is(alg.Oid, Oids.EcPublicKey))
                return ImportEc(alg.Parameters, key, create);
            if (Oids.Is(alg.Oid, Oids.RsaEncryption))
            {
                if (!alg.ParametersAbsentOrNull)
                    throw new X509FormatException(Field, "rsaEncryption parameters must be NULL (RFC 3279 §2.3.1)");
                return ImportRsa(key, pssOnly: false, create);
            }
            if (Oids.Is(alg.Oid, Oids.RsassaPss))
            {
                // RFC 4055 §1.2: the key may only be used for RSASSA-PSS; parameters, if present, restrict it further.
                if (alg.HasParameters)
                    PssParameters.Parse(alg.Parameters);
                return ImportRsa(key, pssOnly: true, create);
            }
            if (Oids.Is(alg.Oid, Oids.Ed25519))
            {
                // RFC 8410 §3: parameters MUST be absent.
                if (alg.HasParameters)
                    throw new X509FormatException(Field, "Ed25519 parameters must be absent (RFC 8410 §3)");
                if (key.Length != 32)
                    throw new X509FormatException(Field, "Ed25519 public key must be 32 octets (RFC 8410 §4)");
                return create ? PublicKey.CreateEd25519(key) : null;
            }
        }
        catch (X509Exception)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new X509Exception($"public key could not be imported: {e.Message}", e);
        }
        throw new X509Exception($"public key algorithm {DerReader.OidToString(alg.Oid)} is not supported");
    }

    // RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OID, ... }; only namedCurve is allowed (§2.1.1).
    private static PublicKey? ImportEc(ReadOnlySpan<byte> parameters, ReadOnlySpan<byte> point, bool create)
    {
        const string Field = "subjectPublicKeyInfo.algorithm.parameters";
        if (parameters.IsEmpty)
            throw new X509FormatException(Field, "id-ecPublicKey requires a namedCurve parameter (RFC 5480 §2.1.1)");
        var reader = new DerReader(parameters);
        if (!reader.IsNext(DerTag.ObjectIdentifier))
            throw new X509Exception("EC keys with explicit or implicit curve parameters are not supported (RFC 5480 §2.1.1)");
        ReadOnlySpan<byte> curveOid = reader.ReadOid(Field);
        reader.ExpectEnd(Field);
        EcCurve curve = Oids.Is(curveOid, Oids.Secp256r1) ? EcCurve.P256
            : Oids.Is(curveOid, Oids.Secp384r1) ? EcCurve.P384
            : Oids.Is(curveOid, Oids.Secp521r1) ? EcCurve.P521
            : EcCurve.Unknown;
        if (curve == EcCurve.Unknown)
            throw new X509Exception($"elliptic curve {DerReader.OidToString(curveOid)} is not supported");
        int coordinate = curve switch { EcCurve.P256 => 32, EcCurve.P384 => 48, _ => 66 };
        // RFC 5480 §2.2: the uncompressed form MUST be supported; compressed points are not accepted here.
        if (point.Length != 1 + 2 * coordinate || point[0] != 0x04)
            throw new X509FormatException("subjectPublicKeyInfo.subjectPublicKey", $"EC point for {curve} must be uncompressed (0x04 || X || Y)");
        return create ? PublicKey.CreateEc(curve, point) : null;
    }

    // RFC 4055 §1.2 / RFC 8017 A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    private static PublicKey? ImportRsa(ReadOnlySpan<byte> key, bool pssOnly, bool create)
    {
        const string Field = "RSAPublicKey";
        var outer = new DerReader(key);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        ReadOnlySpan<byte> modulus = seq.ReadInteger(Field + ".modulus");
        ReadOnlySpan<byte> exponent = seq.ReadInteger(Field + ".publicExponent");
        seq.ExpectEnd(Field);
        if ((modulus[0] & 0x80) != 0 || (exponent[0] & 0x80) != 0)
            throw new X509FormatException(Field, "modulus and exponent must be positive");
        if (modulus[0] == 0)
            modulus = modulus[1..];
        if (modulus.IsEmpty)
            throw new X509FormatException(Field + ".modulus", "modulus is zero");
        int bits = modulus.Length * 8 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]) + 24;
        if (bits < MinimumRsaBits)
            throw new X509Exception($"RSA key of {bits} bits is below the minimum of {MinimumRsaBits}");
        if (bits % 8 != 0)
            throw new X509Exception($"RSA modulus of {bits} bits is not a whole number of octets");
        return create ? PublicKey.CreateRsa(modulus, exponent, pssOnly) : null;
    }
}
