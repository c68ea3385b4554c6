using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsEngine.Testing;

/// <summary>
/// Builds OCSP responses (RFC 6960 §4.2.1) for tests with full control of every field, using only the BCL: good,
/// revoked and unknown statuses, delegated responders, odd times, wrong CertIDs, extra extensions, bad signatures.
/// </summary>
public sealed class OcspResponseBuilder
{
    public required X509Certificate2 Certificate { get; init; }
    public required X509Certificate2 Issuer { get; init; }

    /// <summary>The signer's certificate (the issuer, or a delegated responder) and key.</summary>
    public required X509Certificate2 Signer { get; init; }
    public required ECDsa SignerKey { get; init; }

    public string Status { get; init; } = "good";
    public DateTimeOffset ThisUpdate { get; init; } = DateTimeOffset.UtcNow.AddMinutes(-1);
    public DateTimeOffset? NextUpdate { get; init; } = DateTimeOffset.UtcNow.AddDays(1);
    public DateTimeOffset RevocationTime { get; init; } = DateTimeOffset.UtcNow.AddDays(-1);
    public int? RevocationReason { get; init; }
    public bool ResponderByKey { get; init; }
    public bool IncludeSignerCertificate { get; init; }
    public byte[]? SerialOverride { get; init; }
    public byte[]? Nonce { get; init; }
    public bool UnknownCriticalExtension { get; init; }
    public bool CorruptSignature { get; init; }
    public int ResponseStatus { get; init; }

    public byte[] Build()
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteEnumeratedValue((OcspStatus)ResponseStatus);
            if (ResponseStatus == 0)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.1");
                    w.WriteOctetString(Basic());
                }
            }
        }
        return w.Encode();
    }

    private enum OcspStatus
    {
        Successful = 0,
        MalformedRequest = 1,
        InternalError = 2,
        TryLater = 3,
    }

    private byte[] Basic()
    {
        var tbs = ResponseData();
        var signature = SignerKey.SignData(tbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        if (CorruptSignature) signature[^1] ^= 1;
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteEncodedValue(tbs);
            using (w.PushSequence()) w.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            w.WriteBitString(signature);
            if (IncludeSignerCertificate)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                using (w.PushSequence())
                    w.WriteEncodedValue(Signer.RawData);
            }
        }
        return w.Encode();
    }

    private byte[] ResponseData()
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            if (ResponderByKey)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
                    w.WriteOctetString(SHA1.HashData(Signer.PublicKey.EncodedKeyValue.RawData));
            }
            else
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                    w.WriteEncodedValue(Signer.SubjectName.RawData);
            }
            w.WriteGeneralizedTime(DateTimeOffset.UtcNow.AddSeconds(-30), omitFractionalSeconds: true);
            using (w.PushSequence())
            using (w.PushSequence())
            {
                using (w.PushSequence())
                {
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier("1.3.14.3.2.26");
                        w.WriteNull();
                    }
                    w.WriteOctetString(SHA1.HashData(Issuer.SubjectName.RawData));
                    w.WriteOctetString(SHA1.HashData(Issuer.PublicKey.EncodedKeyValue.RawData));
                    w.WriteInteger(SerialOverride ?? Certificate.SerialNumberBytes.Span);
                }
                switch (Status)
                {
                    case "good":
                        w.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 0));
                        break;
                    case "revoked":
                        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                        {
                            w.WriteGeneralizedTime(RevocationTime, omitFractionalSeconds: true);
                            if (RevocationReason is { } reason)
                            {
                                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                                    w.WriteEnumeratedValue((OcspStatus)reason);
                            }
                        }
                        break;
                    default:
                        w.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 2));
                        break;
                }
                w.WriteGeneralizedTime(ThisUpdate, omitFractionalSeconds: true);
                if (NextUpdate is { } next)
                {
                    using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                        w.WriteGeneralizedTime(next, omitFractionalSeconds: true);
                }
            }
            if (Nonce is not null || UnknownCriticalExtension)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                using (w.PushSequence())
                {
                    if (Nonce is not null)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.2");
                            w.WriteOctetString(Nonce);
                        }
                    }
                    if (UnknownCriticalExtension)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier("1.2.3.4.5.6");
                            w.WriteBoolean(true);
                            w.WriteOctetString([5, 0]);
                        }
                    }
                }
            }
        }
        return w.Encode();
    }
}
