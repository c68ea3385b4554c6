using System.Buffers;
using System.Runtime.ExceptionServices;
using TlsEngine.Record;

namespace TlsEngine.Fuzz.Support;

/// <summary>
/// The fixed configuration of the engine targets and of the capture tool that records their seeds: Ed25519
/// certificates (deterministic signatures), a fixed clock and <see cref="DeterministicProvider"/>. Change nothing here
/// without re-recording fuzz/corpus/server and fuzz/corpus/client (fuzz/README.md).
/// </summary>
public static class EngineSetup
{
    private static readonly Lazy<TlsCertificate> s_server = new(() => FuzzPki.Identity("server-ed25519"));
    private static readonly Lazy<TlsCertificate> s_client = new(() => FuzzPki.Identity("client-ed25519"));
    private static readonly byte[] s_ticketSecret = new byte[32];

    public static TlsServerOptions Server() => new()
    {
        Certificate = s_server.Value,
        TrustAnchors = FuzzPki.Anchors,
        TimeProvider = FixedTime.Instance,
        ApplicationProtocols = ["h2", "http/1.1"],
        SessionTicketKeys = SessionTicketKeys.FromSecret(s_ticketSecret, time: FixedTime.Instance),
        Provider = new DeterministicProvider(0x53),
    };

    public static TlsClientOptions Client() => new()
    {
        Certificate = s_client.Value,
        TrustAnchors = FuzzPki.Anchors,
        ServerName = "localhost",
        TimeProvider = FixedTime.Instance,
        ApplicationProtocols = ["h2", "http/1.1"],
        Provider = new DeterministicProvider(0x43),
    };

    /// <summary>Feeds <paramref name="input"/> to <paramref name="connection"/> until it stops consuming.</summary>
    public static void Feed(TlsConnection connection, ReadOnlyMemory<byte> input)
    {
        var transmit = new ArrayBufferWriter<byte>();
        var plaintext = new ArrayBufferWriter<byte>();
        try
        {
            while (!input.IsEmpty)
            {
                connection.Process(input, transmit, plaintext, out int consumed);
                if (consumed == 0) break;
                input = input[consumed..];
            }
            if (connection.IsHandshakeComplete && !connection.LocalClosed)
                connection.Encrypt("pong"u8, transmit);
        }
        catch (TlsAlertException e)
        {
            RethrowBug(e);
        }
    }

    /// <summary>
    /// The engine turns any unexpected exception into internal_error (its contract). For the fuzzer such an
    /// internal_error is a bug: rethrow the original exception so it counts as a crash.
    /// </summary>
    public static void RethrowBug(TlsAlertException e)
    {
        if (e.Alert == AlertDescription.InternalError && e.InnerException is { } inner and not TlsEngine.Crypto.SigningException)
            ExceptionDispatchInfo.Capture(inner).Throw();
    }
}
