using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>EncryptedExtensions body, then its extensions' decoders.</summary>
public static class EncryptedExtensionsTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            var message = EncryptedExtensions.Parse(input);
            ExtensionDecoders.DecodeAll(message.Extensions, ExtensionContext.EncryptedExtensions);
        }
        catch (TlsAlertException)
        {
        }
    }
}
