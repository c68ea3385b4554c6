namespace TlsEngine.X509;

/// <summary>Object identifiers of OCSP (RFC 6960), AIA (RFC 5280 §4.2.2.1) and the TLS Feature extension (RFC 7633).</summary>
internal static class OcspOids
{
    public static readonly byte[] BasicResponse = Oids.Encode("1.3.6.1.5.5.7.48.1.1");
    public static readonly byte[] Nonce = Oids.Encode("1.3.6.1.5.5.7.48.1.2");
    public static readonly byte[] NoCheck = Oids.Encode("1.3.6.1.5.5.7.48.1.5");
    public static readonly byte[] OcspSigning = Oids.Encode("1.3.6.1.5.5.7.3.9");
    public static readonly byte[] AccessMethodOcsp = Oids.Encode("1.3.6.1.5.5.7.48.1");
    public static readonly byte[] AccessMethodCaIssuers = Oids.Encode("1.3.6.1.5.5.7.48.2");
    public static readonly byte[] Sha1 = Oids.Encode("1.3.14.3.2.26");
    public static readonly byte[] Sha256 = Oids.Encode("2.16.840.1.101.3.4.2.1");
    public static readonly byte[] Sha384 = Oids.Encode("2.16.840.1.101.3.4.2.2");
    public static readonly byte[] Sha512 = Oids.Encode("2.16.840.1.101.3.4.2.3");
    public static readonly byte[] TlsFeature = Oids.Encode("1.3.6.1.5.5.7.1.24");
}
