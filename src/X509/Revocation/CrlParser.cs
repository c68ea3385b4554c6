namespace TlsEngine.X509;

/// <summary>The RFC 5280 §5.1 structure walk behind <see cref="CertificateRevocationList.Parse"/>.</summary>
internal static class CrlParser
{
    // CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
    public static void Parse(byte[] raw, ref CertificateRevocationList.Parts parts)
    {
        var top = new DerReader(raw);
        DerReader list = top.ReadSequence("CertificateList");
        top.ExpectEnd("CertificateList");
        ReadOnlySpan<byte> tbs = list.ReadEncodedValue("tbsCertList");
        parts.Tbs = MemorySlice.Within(raw, tbs);
        AlgorithmIdentifier outerAlg = AlgorithmIdentifier.Read(ref list, "CertificateList.signatureAlgorithm");
        parts.Signature = MemorySlice.Within(raw, list.ReadBitStringBytes("CertificateList.signatureValue"));
        list.ExpectEnd("CertificateList");
        parts.SignatureAlgorithmOid = DerReader.OidToString(outerAlg.Oid);
        parts.SignatureAlgorithm = SignatureAlgorithmDecoder.Decode(outerAlg, out parts.SignatureProblem);
        ParseTbs(raw, list.Nested(tbs, "tbsCertList"), outerAlg.Encoded, ref parts);
    }

    // TBSCertList ::= SEQUENCE { version Version OPTIONAL (MUST be v2 if present), signature AlgorithmIdentifier,
    //   issuer Name, thisUpdate Time, nextUpdate Time OPTIONAL,
    //   revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber, revocationDate Time,
    //     crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
    //   crlExtensions [0] EXPLICIT Extensions OPTIONAL }
    private static void ParseTbs(byte[] raw, DerReader outer, ReadOnlySpan<byte> outerAlg, ref CertificateRevocationList.Parts parts)
    {
        const string F = "tbsCertList";
        DerReader tbs = outer.ReadSequence(F);
        outer.ExpectEnd(F);
        parts.Version = 1;
        if (tbs.IsNext(DerTag.Integer))
        {
            // §5.1.2.1: when present, version MUST be v2 (encoded 1).
            if (tbs.ReadNonNegativeInt32(F + ".version", 255) != 1)
                throw new X509FormatException(F + ".version", "must be v2 (1) when present (RFC 5280 §5.1.2.1)");
            parts.Version = 2;
        }
        AlgorithmIdentifier innerAlg = AlgorithmIdentifier.Read(ref tbs, F + ".signature");
        // §5.1.1.2: signatureAlgorithm MUST be the same as tbsCertList.signature.
        parts.AlgorithmsMatch = innerAlg.Encoded.SequenceEqual(outerAlg);
        parts.Issuer = DistinguishedName.Read(ref tbs, F + ".issuer");
        if (parts.Issuer.IsEmpty)
            throw new X509FormatException(F + ".issuer", "must be a non-empty name (RFC 5280 §5.1.2.3)");
        parts.ThisUpdate = tbs.ReadTime(F + ".thisUpdate");
        if (tbs.IsNext(DerTag.UtcTime) || tbs.IsNext(DerTag.GeneralizedTime))
        {
            parts.NextUpdate = tbs.ReadTime(F + ".nextUpdate");
            if (parts.NextUpdate < parts.ThisUpdate)
                throw new X509FormatException(F + ".nextUpdate", "is before thisUpdate");
        }
        bool entryExtensions = false;
        if (tbs.IsNext(DerTag.Sequence))
            ReadEntries(raw, tbs.ReadSequence(F + ".revokedCertificates"), ref parts, out entryExtensions);
        if (tbs.TryReadExplicit(0, F + ".crlExtensions", out DerReader extReader))
        {
            ReadExtensions(raw, ref extReader, ref parts);
            extReader.ExpectEnd(F + ".crlExtensions");
        }
        tbs.ExpectEnd(F);
        if (parts.Version == 1 && (entryExtensions || parts.Extensions is not null))
            throw new X509FormatException(F + ".version", "extensions require a v2 CRL (RFC 5280 §5.1.2.1)");
    }

    private static void ReadEntries(byte[] raw, DerReader seq, ref CertificateRevocationList.Parts parts, out bool anyExtensions)
    {
        const string F = "tbsCertList.revokedCertificates";
        anyExtensions = false;
        var entries = new Dictionary<string, RevokedCertificate>(StringComparer.Ordinal);
        var seen = new List<X509Extension>(4);
        while (seq.HasData)
        {
            if (entries.Count >= CertificateRevocationList.MaxEntries)
                throw new X509FormatException(F, $"more than {CertificateRevocationList.MaxEntries} entries");
            DerReader entry = seq.ReadSequence(F + ".entry");
            ReadOnlySpan<byte> serial = entry.ReadInteger(F + ".userCertificate");
            DateTimeOffset date = entry.ReadTime(F + ".revocationDate");
            CrlReason? reason = null;
            DateTimeOffset? invalidity = null;
            if (entry.HasData)
            {
                anyExtensions = true;
                DerReader exts = entry.ReadSequence(F + ".crlEntryExtensions");
                seen.Clear();
                while (exts.HasData)
                {
                    if (seen.Count >= 16)
                        throw new X509FormatException(F + ".crlEntryExtensions", "more than 16 extensions");
                    X509Extension e = X509Extension.ReadOne(ref exts, F + ".crlEntryExtensions", raw, seen, out ReadOnlySpan<byte> value);
                    seen.Add(e);
                    ApplyEntryExtension(e, value, ref reason, ref invalidity, ref parts);
                }
                if (seen.Count == 0)
                    throw new X509FormatException(F + ".crlEntryExtensions", "Extensions must contain at least one extension");
            }
            entry.ExpectEnd(F + ".entry");
            entries.TryAdd(Convert.ToHexString(serial), new RevokedCertificate(serial.ToArray(), date, reason, invalidity));
        }
        // §5.1.2.6: "When there are no revoked certificates, the revoked certificates list MUST be absent."
        if (entries.Count == 0)
            throw new X509FormatException(F, "is present but empty (RFC 5280 §5.1.2.6: it must then be absent)");
        parts.Entries = entries;
    }

    private static void ApplyEntryExtension(X509Extension e, ReadOnlySpan<byte> value, ref CrlReason? reason, ref DateTimeOffset? invalidity,
        ref CertificateRevocationList.Parts parts)
    {
        const string F = "tbsCertList.revokedCertificates.crlEntryExtensions";
        if (Oids.Is(e.OidContent.Span, Oids.ReasonCode))
        {
            // §5.3.1: CRLReason ::= ENUMERATED { unspecified (0) … aACompromise (10) }, 7 unused; non-critical.
            RejectCritical(e, F + ".reasonCode", "§5.3.1");
            var r = new DerReader(value);
            ReadOnlySpan<byte> c = DerReader.ValidateInteger(r.ReadContent(DerTag.Enumerated, F + ".reasonCode"), F + ".reasonCode");
            r.ExpectEnd(F + ".reasonCode");
            if (c.Length != 1 || c[0] > 10 || c[0] == 7)
                throw new X509FormatException(F + ".reasonCode", "is not a defined CRLReason (RFC 5280 §5.3.1)");
            reason = (CrlReason)c[0];
        }
        else if (Oids.Is(e.OidContent.Span, Oids.InvalidityDate))
        {
            // §5.3.2: InvalidityDate ::= GeneralizedTime; non-critical.
            RejectCritical(e, F + ".invalidityDate", "§5.3.2");
            var r = new DerReader(value);
            invalidity = DerReader.ParseGeneralizedTime(r.ReadContent(DerTag.GeneralizedTime, F + ".invalidityDate"), F + ".invalidityDate");
            r.ExpectEnd(F + ".invalidityDate");
        }
        else if (e.Critical)
        {
            // certificateIssuer (§5.3.3, indirect CRLs) and anything unknown: the CRL must not be used (§5.2).
            parts.UnknownCritical ??= Oids.Is(e.OidContent.Span, Oids.CertificateIssuer)
                ? "certificateIssuer entry extension (indirect CRLs are not supported)"
                : $"entry extension {e.Oid}";
        }
    }

    // Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (§5.2)
    private static void ReadExtensions(byte[] raw, ref DerReader reader, ref CertificateRevocationList.Parts parts)
    {
        const string F = "tbsCertList.crlExtensions";
        DerReader seq = reader.ReadSequence(F);
        var list = new List<X509Extension>();
        while (seq.HasData)
        {
            if (list.Count >= CertificateExtensions.MaxExtensions)
                throw new X509FormatException(F, $"more than {CertificateExtensions.MaxExtensions} extensions");
            X509Extension e = X509Extension.ReadOne(ref seq, F, raw, list, out ReadOnlySpan<byte> value);
            list.Add(e);
            ReadOnlySpan<byte> oid = e.OidContent.Span;
            if (Oids.Is(oid, Oids.AuthorityKeyIdentifier))
            {
                RejectCritical(e, F + ".authorityKeyIdentifier", "§5.2.1");
                parts.AuthorityKeyIdentifier = AuthorityKeyIdentifier.Parse(value, raw);
            }
            else if (Oids.Is(oid, Oids.CrlNumber))
            {
                // §5.2.3: CRLNumber ::= INTEGER (0..MAX), at most 20 octets, MUST be non-critical.
                RejectCritical(e, F + ".cRLNumber", "§5.2.3");
                parts.CrlNumber = ReadCrlNumber(value, F + ".cRLNumber");
            }
            else if (Oids.Is(oid, Oids.DeltaCrlIndicator))
            {
                // §5.2.4: BaseCRLNumber ::= CRLNumber; the extension is critical.
                ReadCrlNumber(value, F + ".deltaCRLIndicator");
                parts.IsDelta = true;
            }
            else if (Oids.Is(oid, Oids.IssuingDistributionPoint))
            {
                parts.IssuingDistributionPoint = IssuingDistributionPoint.Parse(value);
            }
            else if (Oids.Is(oid, Oids.FreshestCrl))
            {
                RejectCritical(e, F + ".freshestCRL", "§5.2.6");
            }
            else if (e.Critical)
            {
                parts.UnknownCritical ??= $"CRL extension {e.Oid}";
            }
        }
        if (list.Count == 0)
            throw new X509FormatException(F, "Extensions must contain at least one extension");
        parts.Extensions = list.ToArray();
    }

    private static ReadOnlyMemory<byte> ReadCrlNumber(ReadOnlySpan<byte> value, string field)
    {
        var r = new DerReader(value);
        ReadOnlySpan<byte> n = r.ReadInteger(field);
        r.ExpectEnd(field);
        if ((n[0] & 0x80) != 0)
            throw new X509FormatException(field, "must not be negative (RFC 5280 §5.2.3)");
        if (n.Length > 21 || (n.Length == 21 && n[0] != 0))
            throw new X509FormatException(field, "is longer than 20 octets (RFC 5280 §5.2.3)");
        return n.ToArray();
    }

    private static void RejectCritical(X509Extension e, string field, string section)
    {
        if (e.Critical)
            throw new X509FormatException(field, $"must not be marked critical (RFC 5280 {section})");
    }

}
