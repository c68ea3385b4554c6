using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// Certificate message body, then what the engine does with each entry: its extensions (an OCSP staple in
/// status_request is parsed as an OCSPResponse) and its cert_data as an X.509 certificate.
/// </summary>
public static class CertificateMessageTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            var message = CertificateMessage.Parse(input, new TlsLimits().MaxCertificateChainLength);
            foreach (var entry in message.Entries)
            {
                ExtensionDecoders.DecodeAll(entry.Extensions, ExtensionContext.Certificate);
                if (entry.Extensions.Find(ExtensionType.StatusRequest) is { } status)
                    X509Guard.Run(() => OcspResponse.Parse(StatusRequestExtension.ParseCertificateStatus(status)));
                X509Guard.Run(() => Certificate.Parse(entry.CertData));
            }
        }
        catch (TlsAlertException)
        {
        }
    }
}
