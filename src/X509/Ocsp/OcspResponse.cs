using CryptoSignatureAlgorithm = TlsEngine.Crypto.SignatureAlgorithm;

namespace TlsEngine.X509;

/// <summary>OCSPResponseStatus (RFC 6960 §4.2.1).</summary>
public enum OcspResponseStatus
{
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// <summary>CertStatus (RFC 6960 §4.2.1).</summary>
public enum OcspCertStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>CRLReason (RFC 5280 §5.3.1), carried in RevokedInfo.</summary>
public enum CrlReason
{
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AaCompromise = 10,
}

/// <summary>One SingleResponse (RFC 6960 §4.2.1): the status of one certificate and when it was known.</summary>
public sealed class OcspSingleResponse
{
    internal OcspSingleResponse(OcspCertId certId, OcspCertStatus status, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate,
        DateTimeOffset? revocationTime, CrlReason? reason)
    {
        CertId = certId;
        Status = status;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        RevocationTime = revocationTime;
        RevocationReason = reason;
    }

    public OcspCertId CertId { get; }
    public OcspCertStatus Status { get; }
    public DateTimeOffset ThisUpdate { get; }
    public DateTimeOffset? NextUpdate { get; }
    public DateTimeOffset? RevocationTime { get; }
    public CrlReason? RevocationReason { get; }
}

/// <summary>
/// An OCSPResponse with its BasicOCSPResponse (RFC 6960 §4.2.1), parsed strictly with <see cref="DerReader"/>:
/// malformed input is an <see cref="X509FormatException"/>, never another exception. Parsing does not validate:
/// see <see cref="OcspValidator"/>.
/// </summary>
public sealed class OcspResponse
{
    /// <summary>Upper bounds that keep a hostile response from costing much.</summary>
    public const int MaxSingleResponses = 64;
    public const int MaxCertificates = 8;

    private OcspResponse(ReadOnlyMemory<byte> raw, OcspResponseStatus status)
    {
        RawData = raw;
        Status = status;
    }

    public ReadOnlyMemory<byte> RawData { get; }
    public OcspResponseStatus Status { get; }

    /// <summary>ResponseData as signed.</summary>
    public ReadOnlyMemory<byte> TbsResponseData { get; private set; }

    /// <summary>ResponderID byName, or null when byKey.</summary>
    public DistinguishedName? ResponderName { get; private set; }

    /// <summary>ResponderID byKey: SHA-1 of the responder's public key bits, or null when byName.</summary>
    public byte[]? ResponderKeyHash { get; private set; }

    public DateTimeOffset ProducedAt { get; private set; }
    public IReadOnlyList<OcspSingleResponse> Responses { get; private set; } = [];
    public CryptoSignatureAlgorithm? SignatureAlgorithm { get; private set; }
    public string SignatureAlgorithmOid { get; private set; } = "";
    internal string? SignatureAlgorithmProblem { get; private set; }
    public ReadOnlyMemory<byte> Signature { get; private set; }

    /// <summary>Certificates the responder included (a delegated responder's certificate, RFC 6960 §4.2.2.2).</summary>
    public IReadOnlyList<Certificate> Certificates { get; private set; } = [];

    /// <summary>The nonce extension's value (RFC 6960 §4.4.1), or null.</summary>
    public byte[]? Nonce { get; private set; }

    /// <summary>Parses DER bytes of an OCSPResponse.</summary>
    /// <exception cref="X509FormatException">The response is not well-formed DER of the RFC 6960 structure.</exception>
    public static OcspResponse Parse(ReadOnlyMemory<byte> der)
    {
        const string F = "OCSPResponse";
        var top = new DerReader(der.Span);
        var seq = top.ReadSequence(F);
        top.ExpectEnd(F);
        var statusContent = seq.ReadContent(0x0A, F + ".responseStatus");
        if (statusContent.Length != 1)
            throw new X509FormatException(F + ".responseStatus", "ENUMERATED must be one byte");
        var status = (OcspResponseStatus)statusContent[0];
        if (!Enum.IsDefined(status))
            throw new X509FormatException(F + ".responseStatus", $"unknown status {statusContent[0]}");
        var response = new OcspResponse(der, status);
        if (!seq.TryReadExplicit(0, F + ".responseBytes", out var responseBytes))
        {
            seq.ExpectEnd(F);
            if (status == OcspResponseStatus.Successful)
                throw new X509FormatException(F, "a successful response must carry responseBytes (RFC 6960 §4.2.1)");
            return response;
        }
        seq.ExpectEnd(F);
        if (status != OcspResponseStatus.Successful)
            throw new X509FormatException(F, "an unsuccessful response must not carry responseBytes");
        var rb = responseBytes.ReadSequence(F + ".responseBytes");
        responseBytes.ExpectEnd(F + ".responseBytes");
        var type = rb.ReadOid(F + ".responseBytes.responseType");
        if (!Oids.Is(type, OcspOids.BasicResponse))
            throw new X509FormatException(F + ".responseBytes.responseType", $"response type {DerReader.OidToString(type)} is not id-pkix-ocsp-basic");
        var basic = rb.ReadOctetString(F + ".responseBytes.response");
        rb.ExpectEnd(F + ".responseBytes");
        der.Span.Overlaps(basic, out int offset);
        response.ReadBasic(der.Slice(offset, basic.Length));
        return response;
    }

    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
    //                                  signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    private void ReadBasic(ReadOnlyMemory<byte> basic)
    {
        const string F = "BasicOCSPResponse";
        var top = new DerReader(basic.Span);
        var seq = top.ReadSequence(F);
        top.ExpectEnd(F);
        var tbs = seq.ReadEncodedValue(F + ".tbsResponseData");
        basic.Span.Overlaps(tbs, out int tbsOffset);
        TbsResponseData = basic.Slice(tbsOffset, tbs.Length);
        var alg = AlgorithmIdentifier.Read(ref seq, F + ".signatureAlgorithm");
        SignatureAlgorithmOid = DerReader.OidToString(alg.Oid);
        SignatureAlgorithm = SignatureAlgorithmDecoder.Decode(alg, out string? problem);
        SignatureAlgorithmProblem = problem;
        var signature = seq.ReadBitString(F + ".signature", out int unused);
        if (unused != 0)
            throw new X509FormatException(F + ".signature", "signature BIT STRING must have no unused bits");
        basic.Span.Overlaps(signature, out int sigOffset);
        Signature = basic.Slice(sigOffset, signature.Length);
        if (seq.TryReadExplicit(0, F + ".certs", out var certsExplicit))
        {
            var certs = certsExplicit.ReadSequence(F + ".certs");
            certsExplicit.ExpectEnd(F + ".certs");
            var list = new List<Certificate>();
            while (certs.HasData)
            {
                if (list.Count == MaxCertificates)
                    throw new X509FormatException(F + ".certs", $"more than {MaxCertificates} certificates");
                var encoded = certs.ReadEncodedValue(F + ".certs.certificate");
                basic.Span.Overlaps(encoded, out int certOffset);
                list.Add(Certificate.Parse(basic.Slice(certOffset, encoded.Length)));
            }
            Certificates = list;
        }
        seq.ExpectEnd(F);
        ReadResponseData(tbs);
    }

    // ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
    //   producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
    private void ReadResponseData(ReadOnlySpan<byte> tbs)
    {
        const string F = "ResponseData";
        var outer = new DerReader(tbs);
        var seq = outer.ReadSequence(F);
        outer.ExpectEnd(F);
        if (seq.TryReadExplicit(0, F + ".version", out var version))
        {
            // DEFAULT v1 must be omitted in DER, and v1 is the only version (RFC 6960 §4.2.1).
            var v = version.ReadInteger(F + ".version");
            version.ExpectEnd(F + ".version");
            throw new X509FormatException(F + ".version", v.Length == 1 && v[0] == 0
                ? "version v1 is the DEFAULT and must be omitted in DER"
                : "only version v1 is defined");
        }
        // ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }
        if (seq.TryReadExplicit(1, F + ".responderID.byName", out var byName))
        {
            ResponderName = DistinguishedName.Parse(byName.ReadEncodedValue(F + ".responderID.byName"));
            byName.ExpectEnd(F + ".responderID.byName");
        }
        else if (seq.TryReadExplicit(2, F + ".responderID.byKey", out var byKey))
        {
            ResponderKeyHash = byKey.ReadOctetString(F + ".responderID.byKey").ToArray();
            byKey.ExpectEnd(F + ".responderID.byKey");
            if (ResponderKeyHash.Length != 20)
                throw new X509FormatException(F + ".responderID.byKey", "KeyHash must be a 20-byte SHA-1 hash");
        }
        else
        {
            throw new X509FormatException(F + ".responderID", "expected byName [1] or byKey [2]");
        }
        ProducedAt = ReadGeneralizedTime(ref seq, F + ".producedAt");
        var responses = seq.ReadSequence(F + ".responses");
        var list = new List<OcspSingleResponse>();
        while (responses.HasData)
        {
            if (list.Count == MaxSingleResponses)
                throw new X509FormatException(F + ".responses", $"more than {MaxSingleResponses} responses");
            list.Add(ReadSingleResponse(ref responses));
        }
        Responses = list;
        if (seq.TryReadExplicit(1, F + ".responseExtensions", out var extensions))
        {
            Nonce = ReadExtensions(extensions.ReadSequence(F + ".responseExtensions"), F + ".responseExtensions", allowNonce: true);
            extensions.ExpectEnd(F + ".responseExtensions");
        }
        seq.ExpectEnd(F);
    }

    // SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
    //   nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
    private static OcspSingleResponse ReadSingleResponse(ref DerReader responses)
    {
        const string F = "SingleResponse";
        var seq = responses.ReadSequence(F);
        var certId = ReadCertId(ref seq);
        var status = OcspCertStatus.Good;
        DateTimeOffset? revocationTime = null;
        CrlReason? reason = null;
        byte tag = seq.PeekTag(F + ".certStatus");
        if (tag == DerTag.ContextPrimitive(0))
        {
            // good [0] IMPLICIT NULL
            if (!seq.ReadContent(tag, F + ".certStatus.good").IsEmpty)
                throw new X509FormatException(F + ".certStatus.good", "NULL must be empty");
        }
        else if (tag == DerTag.ContextConstructed(1))
        {
            // revoked [1] IMPLICIT RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
            status = OcspCertStatus.Revoked;
            var revoked = seq.ReadConstructed(tag, F + ".certStatus.revoked");
            revocationTime = ReadGeneralizedTime(ref revoked, F + ".certStatus.revoked.revocationTime");
            if (revoked.TryReadExplicit(0, F + ".certStatus.revoked.revocationReason", out var r))
            {
                var value = r.ReadContent(0x0A, F + ".certStatus.revoked.revocationReason");
                r.ExpectEnd(F + ".certStatus.revoked.revocationReason");
                if (value.Length != 1 || !Enum.IsDefined((CrlReason)value[0]))
                    throw new X509FormatException(F + ".certStatus.revoked.revocationReason", "unknown CRLReason");
                reason = (CrlReason)value[0];
            }
            revoked.ExpectEnd(F + ".certStatus.revoked");
        }
        else if (tag == DerTag.ContextPrimitive(2))
        {
            // unknown [2] IMPLICIT UnknownInfo ::= NULL
            status = OcspCertStatus.Unknown;
            if (!seq.ReadContent(tag, F + ".certStatus.unknown").IsEmpty)
                throw new X509FormatException(F + ".certStatus.unknown", "NULL must be empty");
        }
        else
        {
            throw new X509FormatException(F + ".certStatus", $"unexpected tag 0x{tag:X2}");
        }
        var thisUpdate = ReadGeneralizedTime(ref seq, F + ".thisUpdate");
        DateTimeOffset? nextUpdate = null;
        if (seq.TryReadExplicit(0, F + ".nextUpdate", out var next))
        {
            nextUpdate = ReadGeneralizedTime(ref next, F + ".nextUpdate");
            next.ExpectEnd(F + ".nextUpdate");
        }
        if (seq.TryReadExplicit(1, F + ".singleExtensions", out var extensions))
        {
            ReadExtensions(extensions.ReadSequence(F + ".singleExtensions"), F + ".singleExtensions", allowNonce: false);
            extensions.ExpectEnd(F + ".singleExtensions");
        }
        seq.ExpectEnd(F);
        return new OcspSingleResponse(certId, status, thisUpdate, nextUpdate, revocationTime, reason);
    }

    // CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
    //                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
    private static OcspCertId ReadCertId(ref DerReader reader)
    {
        const string F = "CertID";
        var seq = reader.ReadSequence(F);
        var alg = AlgorithmIdentifier.Read(ref seq, F + ".hashAlgorithm");
        var hash = OcspCertId.HashFromOid(alg.Oid)
            ?? throw new X509FormatException(F + ".hashAlgorithm", $"hash {DerReader.OidToString(alg.Oid)} is not supported");
        if (!alg.ParametersAbsentOrNull)
            throw new X509FormatException(F + ".hashAlgorithm", "parameters must be absent or NULL");
        var nameHash = seq.ReadOctetString(F + ".issuerNameHash").ToArray();
        var keyHash = seq.ReadOctetString(F + ".issuerKeyHash").ToArray();
        var serial = seq.ReadInteger(F + ".serialNumber").ToArray();
        seq.ExpectEnd(F);
        return new OcspCertId(hash, nameHash, keyHash, serial);
    }

    /// <summary>Reads Extensions; unknown critical extensions are refused (RFC 5280 §4.2 applied to OCSP, RFC 6960 §4.4). Returns the nonce.</summary>
    private static byte[]? ReadExtensions(DerReader seq, string field, bool allowNonce)
    {
        byte[]? nonce = null;
        int count = 0;
        while (seq.HasData)
        {
            if (++count > 16)
                throw new X509FormatException(field, "more than 16 extensions");
            var ext = seq.ReadSequence(field + ".extension");
            var oid = ext.ReadOid(field + ".extension.extnID");
            bool critical = false;
            if (ext.IsNext(DerTag.Boolean))
            {
                critical = ext.ReadBoolean(field + ".extension.critical");
                if (!critical)
                    throw new X509FormatException(field + ".extension.critical", "DEFAULT value FALSE must be omitted in DER");
            }
            var value = ext.ReadOctetString(field + ".extension.extnValue");
            ext.ExpectEnd(field + ".extension");
            if (allowNonce && Oids.Is(oid, OcspOids.Nonce))
            {
                if (nonce is not null)
                    throw new X509FormatException(field, "duplicate nonce extension");
                nonce = value.ToArray();
            }
            else if (critical)
            {
                throw new X509FormatException(field, $"unknown critical extension {DerReader.OidToString(oid)}");
            }
        }
        return nonce;
    }

    private static DateTimeOffset ReadGeneralizedTime(ref DerReader reader, string field) =>
        DerReader.ParseGeneralizedTime(reader.ReadContent(DerTag.GeneralizedTime, field), field);
}
