using TlsEngine.Extensions;
using TlsEngine.Fuzz.Support;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>NewSessionTicket body, then its extensions' decoders.</summary>
public static class NewSessionTicketTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            var ticket = NewSessionTicket.Parse(input);
            ExtensionDecoders.DecodeAll(ticket.Extensions, ExtensionContext.NewSessionTicket);
        }
        catch (TlsAlertException)
        {
        }
    }
}
