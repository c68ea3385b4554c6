using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Targets;

/// <summary>Finished body: the first byte picks the hash length (SHA-256 or SHA-384), the rest is verify_data.</summary>
public static class FinishedTarget
{
    public static void Run(byte[] input)
    {
        if (input.Length == 0) return;
        try
        {
            var verifyData = Finished.Parse(input.AsSpan(1), (input[0] & 1) == 0 ? 32 : 48);
            if (verifyData.Length is not (32 or 48))
                throw new InvalidOperationException($"Finished.Parse returned {verifyData.Length} bytes");
        }
        catch (TlsAlertException)
        {
        }
    }
}
