using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>CertificateRequest body, then its extensions' decoders (signature_algorithms, certificate_authorities, ...).</summary>
public static class CertificateRequestTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            var message = CertificateRequest.Parse(input);
            ExtensionDecoders.DecodeAll(message.Extensions, ExtensionContext.CertificateRequest);
        }
        catch (TlsAlertException)
        {
        }
    }
}
