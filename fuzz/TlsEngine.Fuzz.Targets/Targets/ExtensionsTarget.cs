using System.Buffers.Binary;
using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// One extension decoder: byte 0 picks the message it is read in (ClientHello, ServerHello, HelloRetryRequest,
/// EncryptedExtensions, Certificate, CertificateRequest, NewSessionTicket), bytes 1-2 the extension type, the rest is
/// extension_data.
/// </summary>
public static class ExtensionsTarget
{
    public static void Run(byte[] input)
    {
        if (input.Length < 3) return;
        var context = (ExtensionContext)(1 << (input[0] % 7));
        var type = (ExtensionType)BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(1));
        try
        {
            ExtensionDecoders.Decode(type, input[3..], context);
        }
        catch (TlsAlertException)
        {
        }
    }
}
