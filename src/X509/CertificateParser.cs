namespace TlsEngine.X509;

/// <summary>The RFC 5280 §4.1 structure walk behind <see cref="Certificate.Parse"/>.</summary>
internal static class CertificateParser
{
    // Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
    // Every field is kept as a slice of raw.
    public static void Parse(byte[] raw, ref Certificate.Parts parts)
    {
        var top = new DerReader(raw);
        DerReader cert = top.ReadSequence("Certificate");
        top.ExpectEnd("Certificate");

        ReadOnlySpan<byte> tbs = cert.ReadEncodedValue("tbsCertificate");
        parts.Tbs = MemorySlice.Within(raw, tbs);
        AlgorithmIdentifier outerAlg = AlgorithmIdentifier.Read(ref cert, "signatureAlgorithm");
        ReadOnlySpan<byte> signature = cert.ReadBitStringBytes("signatureValue");
        cert.ExpectEnd("Certificate");
        parts.Signature = MemorySlice.Within(raw, signature);
        parts.SignatureAlgorithmOid = DerReader.OidToString(outerAlg.Oid);
        parts.SignatureAlgorithm = SignatureAlgorithmDecoder.Decode(outerAlg, out parts.SignatureProblem);

        ParseTbs(raw, cert.Nested(tbs, "tbsCertificate"), outerAlg.Encoded, ref parts);
    }

    // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber, signature, issuer, validity,
    //   subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL,
    //   extensions [3] EXPLICIT Extensions OPTIONAL }
    private static void ParseTbs(byte[] raw, DerReader outer, ReadOnlySpan<byte> outerAlg, ref Certificate.Parts parts)
    {
        const string F = "tbsCertificate";
        DerReader tbs = outer.ReadSequence(F);
        outer.ExpectEnd(F);

        parts.Version = 1;
        if (tbs.TryReadExplicit(0, F + ".version", out DerReader versionReader))
        {
            int v = versionReader.ReadNonNegativeInt32(F + ".version", 255);
            versionReader.ExpectEnd(F + ".version");
            if (v == 0)
                throw new X509FormatException(F + ".version", "DEFAULT value v1 must be omitted in DER");
            if (v > 2)
                throw new X509FormatException(F + ".version", $"unknown version {v + 1}");
            parts.Version = v + 1;
        }

        parts.Serial = MemorySlice.Within(raw, tbs.ReadInteger(F + ".serialNumber"));
        AlgorithmIdentifier innerAlg = AlgorithmIdentifier.Read(ref tbs, F + ".signature");
        // §4.1.1.2: the signature field MUST contain the same algorithm identifier as signatureAlgorithm.
        parts.AlgorithmsMatch = innerAlg.Encoded.SequenceEqual(outerAlg);
        parts.Issuer = DistinguishedName.Read(ref tbs, F + ".issuer", raw);

        DerReader validity = tbs.ReadSequence(F + ".validity");
        parts.NotBefore = validity.ReadTime(F + ".validity.notBefore");
        parts.NotAfter = validity.ReadTime(F + ".validity.notAfter");
        validity.ExpectEnd(F + ".validity");

        parts.Subject = DistinguishedName.Read(ref tbs, F + ".subject", raw);
        ReadOnlySpan<byte> spki = tbs.ReadEncodedValue(F + ".subjectPublicKeyInfo");
        parts.Spki = MemorySlice.Within(raw, spki);
        parts.SpkiAlgorithmOid = PublicKeyDecoder.ReadStructure(spki);

        // §4.1.2.8: unique identifiers only in v2 and v3.
        if (tbs.IsNext(DerTag.ContextPrimitive(1)))
        {
            RequireVersion(parts.Version, 2, F + ".issuerUniqueID");
            DerReader.ValidateBitString(tbs.ReadContent(DerTag.ContextPrimitive(1), F + ".issuerUniqueID"), F + ".issuerUniqueID", out _);
        }
        if (tbs.IsNext(DerTag.ContextPrimitive(2)))
        {
            RequireVersion(parts.Version, 2, F + ".subjectUniqueID");
            DerReader.ValidateBitString(tbs.ReadContent(DerTag.ContextPrimitive(2), F + ".subjectUniqueID"), F + ".subjectUniqueID", out _);
        }
        // §4.1.2.9: extensions only in v3.
        if (tbs.TryReadExplicit(3, F + ".extensions", out DerReader extReader))
        {
            RequireVersion(parts.Version, 3, F + ".extensions");
            parts.Extensions = CertificateExtensions.Read(ref extReader, raw);
            extReader.ExpectEnd(F + ".extensions");
        }
        tbs.ExpectEnd(F);
    }

    private static void RequireVersion(int version, int minimum, string field)
    {
        if (version < minimum)
            throw new X509FormatException(field, $"not allowed in a v{version} certificate");
    }

}
