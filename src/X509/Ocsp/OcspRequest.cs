using System.Formats.Asn1;
using System.Security.Cryptography;

namespace TlsEngine.X509;

/// <summary>
/// An OCSPRequest (RFC 6960 §4.1.1) for one certificate, unsigned, with a nonce extension (RFC 6960 §4.4.1,
/// RFC 8954: an OCTET STRING of 32 random octets) so a fetched response can be tied to this request.
/// </summary>
public sealed class OcspRequest
{
    private OcspRequest(byte[] encoded, byte[] nonceValue)
    {
        Encoded = encoded;
        NonceExtensionValue = nonceValue;
    }

    /// <summary>The DER request.</summary>
    public byte[] Encoded { get; }

    /// <summary>The nonce extnValue contents the response must echo (compare with <see cref="OcspResponse.Nonce"/>).</summary>
    public byte[] NonceExtensionValue { get; }

    public static OcspRequest Create(Certificate certificate, Certificate issuer, bool withNonce = true)
    {
        var id = OcspCertId.For(certificate, issuer);
        byte[] nonceValue = [];
        if (withNonce)
        {
            var nonce = new AsnWriter(AsnEncodingRules.DER);
            nonce.WriteOctetString(RandomNumberGenerator.GetBytes(32));
            nonceValue = nonce.Encode();
        }

        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())                          // OCSPRequest
        {
            using (w.PushSequence())                      // TBSRequest
            {
                using (w.PushSequence())                  // requestList
                using (w.PushSequence())                  // Request
                using (w.PushSequence())                  // CertID
                {
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier(DerReader.OidToString(OcspCertId.OidFor(id.Hash)));
                        w.WriteNull();
                    }
                    w.WriteOctetString(id.IssuerNameHash);
                    w.WriteOctetString(id.IssuerKeyHash);
                    w.WriteInteger(id.SerialNumber);
                }
                if (withNonce)
                {
                    var extensions = new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true);
                    using (w.PushSequence(extensions))
                    using (w.PushSequence())
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.2");
                        w.WriteOctetString(nonceValue);
                    }
                }
            }
        }
        return new OcspRequest(w.Encode(), nonceValue);
    }
}
