using TlsEngine.KeySchedule;

namespace TlsEngine.Tests.Support;

/// <summary>Array-returning forms of the key schedule's span APIs, for comparing against test vectors.</summary>
internal static class KeyScheduleExtensions
{
    public static byte[] CurrentHash(this Transcript transcript)
    {
        var hash = new byte[transcript.HashLength];
        transcript.GetCurrentHash(hash);
        return hash;
    }

    public static byte[] NextApplicationSecret(this TlsKeySchedule keys, ReadOnlySpan<byte> current)
    {
        var next = new byte[keys.HashLength];
        keys.NextApplicationSecret(current, next);
        return next;
    }

    public static byte[] FinishedVerifyData(this TlsKeySchedule keys, ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> transcriptHash)
    {
        var verifyData = new byte[keys.HashLength];
        keys.FinishedVerifyData(baseKey, transcriptHash, verifyData);
        return verifyData;
    }
}
