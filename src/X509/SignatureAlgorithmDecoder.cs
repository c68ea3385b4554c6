using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.X509;

/// <summary>Maps a certificate's signatureAlgorithm to a <see cref="SignatureAlgorithm"/>, or explains why it cannot.</summary>
internal static class SignatureAlgorithmDecoder
{
    /// <summary>Returns the algorithm, or null with <paramref name="problem"/> set when it is unknown or its parameters are unusable.</summary>
    public static SignatureAlgorithm? Decode(AlgorithmIdentifier alg, out string? problem)
    {
        problem = null;
        ReadOnlySpan<byte> oid = alg.Oid;
        // RFC 5758 §3.2: ecdsa-with-SHA* parameters MUST be absent.
        if (Oids.Is(oid, Oids.EcdsaWithSha256))
            return NoParameters(alg, SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA256), out problem);
        if (Oids.Is(oid, Oids.EcdsaWithSha384))
            return NoParameters(alg, SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA384), out problem);
        if (Oids.Is(oid, Oids.EcdsaWithSha512))
            return NoParameters(alg, SignatureAlgorithm.Ecdsa(HashAlgorithmName.SHA512), out problem);
        // RFC 8410 §3: Ed25519 parameters MUST be absent.
        if (Oids.Is(oid, Oids.Ed25519))
            return NoParameters(alg, SignatureAlgorithm.Ed25519, out problem);
        // RFC 4055 §5: parameters NULL, and absent parameters must be accepted too.
        if (Oids.Is(oid, Oids.Sha256WithRsa))
            return NullParameters(alg, SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA256), out problem);
        if (Oids.Is(oid, Oids.Sha384WithRsa))
            return NullParameters(alg, SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA384), out problem);
        if (Oids.Is(oid, Oids.Sha512WithRsa))
            return NullParameters(alg, SignatureAlgorithm.RsaPkcs1(HashAlgorithmName.SHA512), out problem);
        if (Oids.Is(oid, Oids.RsassaPss))
            return DecodePss(alg.Parameters, out problem);
        problem = $"signature algorithm {DerReader.OidToString(oid)} is not supported";
        return null;
    }

    private static SignatureAlgorithm? NoParameters(AlgorithmIdentifier alg, SignatureAlgorithm value, out string? problem)
    {
        problem = alg.HasParameters ? $"{value} AlgorithmIdentifier must not have parameters" : null;
        return alg.HasParameters ? null : value;
    }

    private static SignatureAlgorithm? NullParameters(AlgorithmIdentifier alg, SignatureAlgorithm value, out string? problem)
    {
        problem = alg.ParametersAbsentOrNull ? null : $"{value} AlgorithmIdentifier parameters must be NULL";
        return alg.ParametersAbsentOrNull ? value : null;
    }

    /// <summary>RFC 4055 §3.1 RSASSA-PSS-params; SHA-1 defaults are not supported.</summary>
    private static SignatureAlgorithm? DecodePss(ReadOnlySpan<byte> parameters, out string? problem)
    {
        try
        {
            PssParameters p = PssParameters.Parse(parameters);
            problem = p.Problem;
            return p.Problem is null ? SignatureAlgorithm.RsaPss(p.Hash, p.SaltLength) : null;
        }
        catch (X509FormatException e)
        {
            problem = "RSASSA-PSS parameters are malformed: " + e.Message;
            return null;
        }
    }
}

/// <summary>
/// RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] DEFAULT mgf1SHA1,
/// saltLength [2] INTEGER DEFAULT 20, trailerField [3] INTEGER DEFAULT 1 } (RFC 4055 §3.1, EXPLICIT tags).
/// </summary>
internal readonly record struct PssParameters(HashAlgorithmName Hash, int SaltLength, string? Problem)
{
    public static PssParameters Parse(ReadOnlySpan<byte> encoded)
    {
        const string Field = "RSASSA-PSS-params";
        if (encoded.IsEmpty)
            return new PssParameters(default, 0, "RSASSA-PSS parameters are absent (SHA-1 defaults are not supported)");
        var outer = new DerReader(encoded);
        DerReader seq = outer.ReadSequence(Field);
        outer.ExpectEnd(Field);
        HashAlgorithmName hash = default;
        string? problem = null;
        if (seq.TryReadExplicit(0, Field + ".hashAlgorithm", out DerReader hashReader))
        {
            hash = ReadHash(ref hashReader, Field + ".hashAlgorithm", ref problem);
            hashReader.ExpectEnd(Field + ".hashAlgorithm");
        }
        else
        {
            problem ??= "RSASSA-PSS with the default hash SHA-1 is not supported";
        }
        if (seq.TryReadExplicit(1, Field + ".maskGenAlgorithm", out DerReader mgfReader))
        {
            DerReader mgf = mgfReader.ReadSequence(Field + ".maskGenAlgorithm");
            mgfReader.ExpectEnd(Field + ".maskGenAlgorithm");
            if (!Oids.Is(mgf.ReadOid(Field + ".maskGenAlgorithm.algorithm"), Oids.Mgf1))
                problem ??= "RSASSA-PSS mask generation function is not MGF1";
            HashAlgorithmName mgfHash = ReadHash(ref mgf, Field + ".maskGenAlgorithm.parameters", ref problem);
            mgf.ExpectEnd(Field + ".maskGenAlgorithm");
            if (mgfHash != hash)
                problem ??= "RSASSA-PSS MGF1 hash differs from the message hash (RFC 4055 §3.1)";
        }
        else
        {
            problem ??= "RSASSA-PSS with the default MGF1-SHA-1 is not supported";
        }
        int salt = 20;
        if (seq.TryReadExplicit(2, Field + ".saltLength", out DerReader saltReader))
        {
            salt = saltReader.ReadNonNegativeInt32(Field + ".saltLength", 1024);
            saltReader.ExpectEnd(Field + ".saltLength");
        }
        if (seq.TryReadExplicit(3, Field + ".trailerField", out DerReader trailerReader))
        {
            int trailer = trailerReader.ReadNonNegativeInt32(Field + ".trailerField", 255);
            trailerReader.ExpectEnd(Field + ".trailerField");
            if (trailer != 1)
                problem ??= $"RSASSA-PSS trailerField {trailer} is not 1 (trailerFieldBC)";
        }
        seq.ExpectEnd(Field);
        return new PssParameters(hash, salt, problem);
    }

    private static HashAlgorithmName ReadHash(ref DerReader reader, string field, ref string? problem)
    {
        AlgorithmIdentifier alg = AlgorithmIdentifier.Read(ref reader, field);
        if (!alg.ParametersAbsentOrNull)
            problem ??= "hash AlgorithmIdentifier parameters must be NULL or absent";
        if (Oids.Is(alg.Oid, Oids.Sha256))
            return HashAlgorithmName.SHA256;
        if (Oids.Is(alg.Oid, Oids.Sha384))
            return HashAlgorithmName.SHA384;
        if (Oids.Is(alg.Oid, Oids.Sha512))
            return HashAlgorithmName.SHA512;
        problem ??= $"hash {DerReader.OidToString(alg.Oid)} is not supported";
        return default;
    }
}
