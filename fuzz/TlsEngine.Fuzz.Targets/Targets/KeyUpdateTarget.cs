using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>KeyUpdate body: exactly one byte, 0 or 1.</summary>
public static class KeyUpdateTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            bool requested = KeyUpdate.Parse(input);
            if (input.Length != 1 || input[0] != (requested ? 1 : 0))
                throw new InvalidOperationException("KeyUpdate.Parse accepted a body other than 0x00 or 0x01");
        }
        catch (TlsAlertException)
        {
        }
    }
}
