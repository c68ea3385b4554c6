using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>ClientHello body (after the 4-byte handshake header), then every extension's ClientHello decoder.</summary>
public static class ClientHelloTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            var hello = ClientHello.Parse(input);
            ExtensionDecoders.DecodeAll(hello.Extensions, ExtensionContext.ClientHello);
        }
        catch (TlsAlertException)
        {
        }
    }
}
