namespace TlsEngine.X509;

/// <summary>
/// Where a certificate says its revocation status can be found, and whether it demands a staple:
/// Authority Information Access (RFC 5280 §4.2.2.1), CRL distribution points (§4.2.1.13), and the TLS Feature
/// extension with status_request, "must-staple" (RFC 7633 §4).
/// </summary>
public static class RevocationInfo
{
    /// <summary>HTTP(S) URLs of OCSP responders (AIA accessMethod id-ad-ocsp).</summary>
    public static IReadOnlyList<Uri> OcspResponders(Certificate certificate) => AccessLocations(certificate, OcspOids.AccessMethodOcsp);

    /// <summary>HTTP(S) URLs where the issuer's certificate can be fetched (AIA id-ad-caIssuers).</summary>
    public static IReadOnlyList<Uri> CaIssuers(Certificate certificate) => AccessLocations(certificate, OcspOids.AccessMethodCaIssuers);

    /// <summary>HTTP(S) URLs in the cRLDistributionPoints fullName of each distribution point.</summary>
    public static IReadOnlyList<Uri> CrlDistributionPoints(Certificate certificate)
    {
        if (certificate.ExtensionValue(Oids.CrlDistributionPoints) is not { } extension) return [];
        var urls = new List<Uri>();
        try
        {
            // CRLDistributionPoints ::= SEQUENCE OF DistributionPoint
            // DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, reasons [1] OPTIONAL, cRLIssuer [2] OPTIONAL }
            // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] }
            var outer = new DerReader(extension.Span);
            var points = outer.ReadSequence("cRLDistributionPoints");
            while (points.HasData)
            {
                var point = points.ReadSequence("cRLDistributionPoints.point");
                if (!point.TryReadExplicit(0, "distributionPoint", out var name)) continue;
                if (!name.IsNext(DerTag.ContextConstructed(0))) continue;
                var fullName = name.ReadConstructed(DerTag.ContextConstructed(0), "distributionPoint.fullName");
                while (fullName.HasData)
                {
                    var general = GeneralName.Read(ref fullName, "distributionPoint.fullName", constraintForm: false);
                    AddHttp(urls, general);
                }
            }
        }
        catch (X509Exception)
        {
            return [];
        }
        return urls;
    }

    /// <summary>True if the certificate carries the TLS Feature extension listing status_request (5): "must staple" (RFC 7633 §4.2.3).</summary>
    public static bool MustStaple(Certificate certificate)
    {
        if (certificate.ExtensionValue(OcspOids.TlsFeature) is not { } extension) return false;
        try
        {
            // Features ::= SEQUENCE OF INTEGER
            var outer = new DerReader(extension.Span);
            var features = outer.ReadSequence("tlsFeature");
            while (features.HasData)
            {
                var value = features.ReadInteger("tlsFeature.feature");
                if (value.Length == 1 && value[0] == 5) return true;
            }
        }
        catch (X509Exception)
        {
            // A malformed feature list is treated as demanding the staple: the stricter reading.
            return true;
        }
        return false;
    }

    private static List<Uri> AccessLocations(Certificate certificate, byte[] method)
    {
        var urls = new List<Uri>();
        if (certificate.ExtensionValue(Oids.AuthorityInfoAccess) is not { } extension) return urls;
        try
        {
            // AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
            // AccessDescription ::= SEQUENCE { accessMethod OBJECT IDENTIFIER, accessLocation GeneralName }
            var outer = new DerReader(extension.Span);
            var seq = outer.ReadSequence("authorityInfoAccess");
            while (seq.HasData)
            {
                var description = seq.ReadSequence("authorityInfoAccess.accessDescription");
                var oid = description.ReadOid("accessMethod");
                var location = GeneralName.Read(ref description, "accessLocation", constraintForm: false);
                if (Oids.Is(oid, method)) AddHttp(urls, location);
            }
        }
        catch (X509Exception)
        {
            return [];
        }
        return urls;
    }

    private static void AddHttp(List<Uri> urls, GeneralName name)
    {
        if (name.Kind == GeneralNameKind.Uri && Uri.TryCreate(name.Text, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            urls.Add(uri);
    }
}
