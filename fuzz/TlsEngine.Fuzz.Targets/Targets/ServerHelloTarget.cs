using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>ServerHello or HelloRetryRequest body (they share one structure), then its extensions' decoders.</summary>
public static class ServerHelloTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            var hello = ServerHello.Parse(input);
            var context = hello.IsHelloRetryRequest ? ExtensionContext.HelloRetryRequest : ExtensionContext.ServerHello;
            ExtensionDecoders.DecodeAll(hello.Extensions, context);
        }
        catch (TlsAlertException)
        {
        }
    }
}
