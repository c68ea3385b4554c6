namespace TlsEngine.X509;

/// <summary>
/// The issuingDistributionPoint CRL extension (RFC 5280 §5.2.5): which certificates a CRL covers.
/// IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
///   onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE, onlyContainsCACerts [2] BOOLEAN DEFAULT FALSE,
///   onlySomeReasons [3] ReasonFlags OPTIONAL, indirectCRL [4] BOOLEAN DEFAULT FALSE,
///   onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }   -- IMPLICIT tags
/// </summary>
internal sealed class IssuingDistributionPoint
{
    public GeneralName[]? FullName { get; private init; }
    public bool HasRelativeName { get; private init; }
    public bool OnlyUserCerts { get; private init; }
    public bool OnlyCaCerts { get; private init; }
    public bool OnlySomeReasons { get; private init; }
    public bool Indirect { get; private init; }
    public bool OnlyAttributeCerts { get; private init; }

    public static IssuingDistributionPoint Parse(ReadOnlySpan<byte> value)
    {
        const string F = "issuingDistributionPoint";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(F);
        outer.ExpectEnd(F);
        GeneralName[]? fullName = null;
        bool relative = false;
        if (seq.IsNext(DerTag.ContextConstructed(0)))
            DistributionPoints.ReadName(ref seq, F + ".distributionPoint", out fullName, out relative);
        bool user = ReadFlag(ref seq, 1, F + ".onlyContainsUserCerts");
        bool ca = ReadFlag(ref seq, 2, F + ".onlyContainsCACerts");
        bool someReasons = false;
        if (seq.IsNext(DerTag.ContextPrimitive(3)))
        {
            DerReader.ValidateBitString(seq.ReadContent(DerTag.ContextPrimitive(3), F + ".onlySomeReasons"), F + ".onlySomeReasons", out _);
            someReasons = true;
        }
        bool indirect = ReadFlag(ref seq, 4, F + ".indirectCRL");
        bool attributes = ReadFlag(ref seq, 5, F + ".onlyContainsAttributeCerts");
        seq.ExpectEnd(F);
        // §5.2.5: at most one of the three "only" booleans may be TRUE.
        if ((user ? 1 : 0) + (ca ? 1 : 0) + (attributes ? 1 : 0) > 1)
            throw new X509FormatException(F, "more than one of onlyContainsUserCerts, onlyContainsCACerts and onlyContainsAttributeCerts is TRUE");
        return new IssuingDistributionPoint
        {
            FullName = fullName,
            HasRelativeName = relative,
            OnlyUserCerts = user,
            OnlyCaCerts = ca,
            OnlySomeReasons = someReasons,
            Indirect = indirect,
            OnlyAttributeCerts = attributes,
        };
    }

    private static bool ReadFlag(ref DerReader seq, int number, string field)
    {
        if (!seq.IsNext(DerTag.ContextPrimitive(number)))
            return false;
        ReadOnlySpan<byte> c = seq.ReadContent(DerTag.ContextPrimitive(number), field);
        if (c.Length != 1 || c[0] != 0xFF)
            throw new X509FormatException(field, "must be omitted when FALSE and be 0xFF when TRUE (DER)");
        return true;
    }
}

/// <summary>DistributionPointName parsing shared by cRLDistributionPoints (§4.2.1.13) and issuingDistributionPoint (§5.2.5).</summary>
internal static class DistributionPoints
{
    // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RelativeDistinguishedName },
    // under the EXPLICIT-by-CHOICE tag [0] of its parent.
    public static void ReadName(ref DerReader parent, string field, out GeneralName[]? fullName, out bool relative)
    {
        DerReader dp = parent.ReadConstructed(DerTag.ContextConstructed(0), field);
        fullName = null;
        relative = false;
        if (dp.IsNext(DerTag.ContextConstructed(0)))
        {
            DerReader names = dp.ReadConstructed(DerTag.ContextConstructed(0), field + ".fullName");
            var list = new List<GeneralName>();
            while (names.HasData)
            {
                if (list.Count >= 64)
                    throw new X509FormatException(field + ".fullName", "more than 64 names");
                list.Add(GeneralName.Read(ref names, field + ".fullName", constraintForm: false));
            }
            if (list.Count == 0)
                throw new X509FormatException(field + ".fullName", "GeneralNames must not be empty");
            fullName = list.ToArray();
        }
        else
        {
            dp.ReadConstructed(DerTag.ContextConstructed(1), field + ".nameRelativeToCRLIssuer");
            relative = true;
        }
        dp.ExpectEnd(field);
    }

    /// <summary>
    /// CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint; DistributionPoint ::= SEQUENCE {
    /// distributionPoint [0] DistributionPointName OPTIONAL, reasons [1] ReasonFlags OPTIONAL, cRLIssuer [2] GeneralNames
    /// OPTIONAL } (§4.2.1.13). Returns the fullName entries of every distribution point.
    /// </summary>
    public static GeneralName[][] ParseCrlDistributionPoints(ReadOnlySpan<byte> value)
    {
        const string F = "cRLDistributionPoints";
        var outer = new DerReader(value);
        DerReader seq = outer.ReadSequence(F);
        outer.ExpectEnd(F);
        var result = new List<GeneralName[]>();
        int count = 0;
        while (seq.HasData)
        {
            if (++count > 32)
                throw new X509FormatException(F, "more than 32 distribution points");
            DerReader dp = seq.ReadSequence(F + ".distributionPoint");
            bool any = false;
            if (dp.IsNext(DerTag.ContextConstructed(0)))
            {
                ReadName(ref dp, F + ".distributionPoint.distributionPoint", out GeneralName[]? names, out _);
                if (names is not null)
                    result.Add(names);
                any = true;
            }
            if (dp.IsNext(DerTag.ContextPrimitive(1)))
                DerReader.ValidateBitString(dp.ReadContent(DerTag.ContextPrimitive(1), F + ".reasons"), F + ".reasons", out _);
            if (dp.IsNext(DerTag.ContextConstructed(2)))
            {
                DerReader issuers = dp.ReadConstructed(DerTag.ContextConstructed(2), F + ".cRLIssuer");
                int n = 0;
                while (issuers.HasData)
                {
                    if (++n > 64)
                        throw new X509FormatException(F + ".cRLIssuer", "more than 64 names");
                    GeneralName.Read(ref issuers, F + ".cRLIssuer", constraintForm: false);
                }
                if (n == 0)
                    throw new X509FormatException(F + ".cRLIssuer", "GeneralNames must not be empty");
                any = true;
            }
            dp.ExpectEnd(F + ".distributionPoint");
            // §4.2.1.13: either distributionPoint or cRLIssuer MUST be present.
            if (!any)
                throw new X509FormatException(F + ".distributionPoint", "has neither distributionPoint nor cRLIssuer");
        }
        if (count == 0)
            throw new X509FormatException(F, "must contain at least one distribution point");
        return result.ToArray();
    }

    /// <summary>True if some name of <paramref name="a"/> equals (same alternative, same octets) some name of <paramref name="b"/>.</summary>
    public static bool ShareName(GeneralName[] a, GeneralName[] b)
    {
        foreach (GeneralName x in a)
        {
            foreach (GeneralName y in b)
            {
                if (x.Kind == y.Kind && x.RawValue.Span.SequenceEqual(y.RawValue.Span))
                    return true;
            }
        }
        return false;
    }
}
