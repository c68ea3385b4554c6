using System.Reflection;
using TlsEngine.Crypto;
using TlsEngine.KeySchedule;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>Secrets held inline (no array per secret) are still zeroed when no longer needed (DESIGN.md "Time and randomness").</summary>
public class SecretLifetimeTests
{
    // The machine's secrets: client and server handshake, client and server application traffic, then the exporter
    // master secret, Hash.length bytes each.
    private static byte[] Field(object machine, string name)
    {
        var all = (byte[])typeof(HandshakeMachine).GetField("_trafficSecrets", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(machine)!;
        Assert.Equal(5 * 32, all.Length);
        int index = Array.IndexOf(["_clientHandshakeSecret", "_serverHandshakeSecret", "_clientAppSecret", "_serverAppSecret", "_exporterMasterSecret"], name);
        return all.AsSpan(index * 32, 32).ToArray();
    }

    private static HandshakeMachine Machine(TlsConnection connection) =>
        (HandshakeMachine)typeof(TlsConnection).GetField("_machine", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(connection)!;

    private static bool AllZero(byte[] bytes) => Array.TrueForAll(bytes, b => b == 0);

    [Fact]
    public void HandshakeSecretsAreZeroedAtCompletionAndApplicationAndExporterSecretsAtDispose()
    {
        var (c, s) = Loopback.MutualOptions();
        var loop = new Loopback(c, s);
        loop.Handshake();
        foreach (var connection in new[] { loop.Client, loop.Server })
        {
            var machine = Machine(connection);
            Assert.True(AllZero(Field(machine, "_clientHandshakeSecret")));
            Assert.True(AllZero(Field(machine, "_serverHandshakeSecret")));
            Assert.False(AllZero(Field(machine, "_clientAppSecret")));
            Assert.False(AllZero(Field(machine, "_serverAppSecret")));
            Assert.False(AllZero(Field(machine, "_exporterMasterSecret")));
        }
        // Both sides hold the same application secrets (their first Hash.length bytes).
        Assert.Equal(Field(Machine(loop.Client), "_clientAppSecret"), Field(Machine(loop.Server), "_clientAppSecret"));
        var client = Machine(loop.Client);
        loop.Dispose();
        Assert.True(AllZero(Field(client, "_clientAppSecret")));
        Assert.True(AllZero(Field(client, "_serverAppSecret")));
        Assert.True(AllZero(Field(client, "_exporterMasterSecret")));
    }

    [Fact]
    public void KeyScheduleSecretChangesPerStageAndIsZeroedOnDispose()
    {
        var keys = new TlsKeySchedule(CipherSuite.TLS_AES_256_GCM_SHA384);
        Assert.Equal(48, keys.CurrentSecret.Length);
        var early = keys.CurrentSecret.ToArray();
        keys.AdvanceToHandshake(new byte[32]);
        var handshake = keys.CurrentSecret.ToArray();
        keys.DeriveHandshakeTrafficSecrets(new byte[48], new byte[48], new byte[48]); // and on to the Master Secret
        Assert.NotEqual(early, handshake);
        Assert.NotEqual(handshake, keys.CurrentSecret.ToArray());
        keys.Dispose();
        Assert.True(AllZero(keys.CurrentSecret.ToArray()));
    }
}
