using TlsEngine.Codec;
using TlsEngine.Record;

namespace TlsEngine.Extensions;

/// <summary>
/// status_request (RFC 6066 §8, RFC 8446 §4.4.2.1). In a ClientHello: CertificateStatusRequest with status_type ocsp(1)
/// and empty responder_id_list and request_extensions. In a CertificateRequest: empty. In a CertificateEntry: a
/// CertificateStatus carrying the DER OCSPResponse.
/// </summary>
internal static class StatusRequestExtension
{
    public const byte Ocsp = 1;

    /// <summary>CertificateStatusRequest { status_type ocsp; OCSPStatusRequest { responder_id_list&lt;0..2^16-1&gt;; request_extensions&lt;0..2^16-1&gt; } }.</summary>
    public static ReadOnlySpan<byte> ClientHelloData => [Ocsp, 0, 0, 0, 0];

    /// <summary>True if the ClientHello asks for an OCSP staple (other status types are ignored).</summary>
    public static bool ParseClientHello(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "ClientHello.status_request");
        byte type = r.ReadU8("status_type");
        if (type != Ocsp) return false;
        r.ReadVector16("responder_id_list");
        r.ReadVector16("request_extensions");
        r.ExpectEnd();
        return true;
    }

    /// <summary>CertificateStatus { status_type ocsp; OCSPResponse ocsp_response&lt;1..2^24-1&gt; }.</summary>
    public static void WriteCertificateStatus(TlsWriter w, ReadOnlySpan<byte> ocspResponse)
    {
        w.WriteU8(Ocsp);
        w.WriteVector24(ocspResponse);
    }

    public static byte[] ParseCertificateStatus(ReadOnlyMemory<byte> data)
    {
        var r = new TlsReader(data.Span, "CertificateEntry.status_request");
        byte type = r.ReadU8("status_type");
        if (type != Ocsp)
            throw TlsAlert.IllegalParameter($"CertificateStatus.status_type {type} is not ocsp(1) (RFC 6066 §8)");
        var response = r.ReadVector24("ocsp_response", 1).ToArray();
        r.ExpectEnd();
        return response;
    }
}
