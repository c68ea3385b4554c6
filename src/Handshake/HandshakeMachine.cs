using System.Security.Cryptography;
using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// What the client and server state machines share: the transcript, the key schedule, traffic secrets, key logging,
/// and the post-handshake messages (KeyUpdate, RFC 8446 §4.6.3).
/// </summary>
internal abstract class HandshakeMachine : IDisposable
{
    protected readonly TlsConnection Connection;
    protected readonly TlsOptions Options;
    protected readonly Transcript Transcript = new();
    protected readonly TlsWriter Writer = new(1024);
    protected TlsKeySchedule? Keys;
    protected byte[] ClientRandom = [];
    // The four traffic secrets (RFC 8446 §7.1) in one array of 4 x Hash.length bytes, allocated with the handshake
    // secrets: client and server handshake, then client and server application traffic secrets. Zeroed when the
    // handshake completes (handshake secrets) and when the machine is disposed (all).
    private byte[] _trafficSecrets = [];
    private int _secretLength;
    private int _keyUpdatesWithoutData;

    protected HandshakeMachine(TlsConnection connection, TlsOptions options)
    {
        Connection = connection;
        Options = options;
    }

    protected abstract bool IsServer { get; }

    public CipherSuite? Suite { get; protected set; }
    public NamedGroup? Group { get; protected set; }
    public SignatureScheme? LocalSignatureScheme { get; protected set; }
    public SignatureScheme? PeerSignatureScheme { get; protected set; }
    public string? ApplicationProtocol { get; protected set; }
    public string? ServerName { get; protected set; }
    public bool HelloRetried { get; protected set; }
    public bool Resumed { get; protected set; }
    public PeerIdentity? PeerIdentity { get; protected set; }
    public bool IsComplete { get; private set; }

    /// <summary>Record version of plaintext handshake records: 0x0301 is allowed for the initial ClientHello (RFC 8446 §5.1).</summary>
    public virtual ushort InitialRecordVersion => 0x0303;

    /// <summary>True between the first ClientHello and the peer's Finished, when a change_cipher_spec is dropped (RFC 8446 §5).</summary>
    public abstract bool ChangeCipherSpecAllowed { get; }

    public abstract void Start();

    /// <summary>
    /// Handles one complete handshake message (header included) in the current state. <paramref name="message"/> is a
    /// slice of the joiner's pooled buffer, cleared once this returns: nothing may keep a slice of it (copy instead).
    /// </summary>
    public void Handle(HandshakeType type, ReadOnlyMemory<byte> message)
    {
        var body = message.Span[HandshakeHeader.Size..];
        if (IsComplete)
            HandlePostHandshake(type, body);
        else
            HandleHandshake(type, message, body);
    }

    protected abstract void HandleHandshake(HandshakeType type, ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body);

    protected static TlsAlertException Unexpected(HandshakeType got, string expected) =>
        TlsAlert.UnexpectedMessage($"received {got} while expecting {expected}");

    // ---- sending ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// Adds the message just written to <see cref="Writer"/> to the transcript and queues it; its first
    /// <paramref name="alreadyHashed"/> bytes are in the transcript already (a ClientHello's part before its binders).
    /// </summary>
    protected void SendWritten(int alreadyHashed = 0)
    {
        Transcript.Add(Writer.WrittenSpan[alreadyHashed..]);
        Connection.QueueHandshake(Writer.WrittenSpan);
        Writer.Clear();
    }

    // ---- key schedule steps shared by both roles (RFC 8446 §7.1) -----------------------------------------------------

    // The handshake traffic secrets; once a direction's handshake keys are installed, its slot holds the finished_key
    // derived from that secret instead (RFC 8446 §4.4.4), the only thing the Finished messages need from it.
    private Span<byte> ClientHandshakeSecret => _trafficSecrets.AsSpan(0, _secretLength);
    private Span<byte> ServerHandshakeSecret => _trafficSecrets.AsSpan(_secretLength, _secretLength);
    protected Span<byte> ClientFinishedKey => ClientHandshakeSecret;
    protected Span<byte> ServerFinishedKey => ServerHandshakeSecret;
    private Span<byte> ClientAppSecret => _trafficSecrets.AsSpan(2 * _secretLength, _secretLength);
    private Span<byte> ServerAppSecret => _trafficSecrets.AsSpan(3 * _secretLength, _secretLength);
    // exporter_master_secret (RFC 8446 §7.1), kept for the connection's life for TLS-Exporter (§7.5).
    private Span<byte> ExporterMasterSecret => _trafficSecrets.AsSpan(4 * _secretLength, _secretLength);

    /// <summary>After ServerHello: Handshake Secret, both handshake traffic secrets, and the Master Secret.</summary>
    protected void DeriveHandshakeSecrets(byte[] sharedSecret)
    {
        Keys!.AdvanceToHandshake(sharedSecret);
        CryptographicOperations.ZeroMemory(sharedSecret);
        _secretLength = Keys.HashLength;
        _trafficSecrets = new byte[5 * _secretLength];
        Span<byte> hash = stackalloc byte[64];
        hash = hash[..Transcript.GetCurrentHash(hash)];
        Keys.DeriveHandshakeTrafficSecrets(hash, ClientHandshakeSecret, ServerHandshakeSecret);
        LogSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", ClientHandshakeSecret);
        LogSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", ServerHandshakeSecret);
    }

    /// <summary>Handshake write keys from our handshake traffic secret, which its finished_key then replaces.</summary>
    protected void InstallHandshakeWriteKeys()
    {
        var secret = IsServer ? ServerHandshakeSecret : ClientHandshakeSecret;
        Connection.InstallWriteKeys(Keys!, secret, finishedKey: secret);
    }

    /// <summary>Handshake read keys from the peer's handshake traffic secret, which its finished_key then replaces.</summary>
    protected void InstallHandshakeReadKeys()
    {
        var secret = IsServer ? ClientHandshakeSecret : ServerHandshakeSecret;
        Connection.InstallReadKeys(Keys!, secret, application: false, finishedKey: secret);
    }

    /// <summary>resumption_master_secret over the transcript through the client Finished (RFC 8446 §7.1).</summary>
    protected byte[] DeriveResumptionMasterSecret()
    {
        Span<byte> hash = stackalloc byte[64];
        return Keys!.Derive("res master"u8, hash[..Transcript.GetCurrentHash(hash)]);
    }

    /// <summary>After the server Finished: Master Secret and the first application traffic secrets.</summary>
    protected void DeriveApplicationSecrets()
    {
        Span<byte> hash = stackalloc byte[64];
        hash = hash[..Transcript.GetCurrentHash(hash)];
        Keys!.DeriveApplicationTrafficSecrets(hash, ClientAppSecret, ServerAppSecret, ExporterMasterSecret);
        LogSecret("CLIENT_TRAFFIC_SECRET_0", ClientAppSecret);
        LogSecret("SERVER_TRAFFIC_SECRET_0", ServerAppSecret);
        LogSecret("EXPORTER_SECRET", ExporterMasterSecret);
    }

    /// <summary>TLS-Exporter (RFC 8446 §7.5) once the handshake is complete; the caller has checked the arguments.</summary>
    public void ExportKeyingMaterial(ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output) =>
        Keys!.Export(ExporterMasterSecret, label, context, output);

    protected void InstallApplicationWriteKeys() =>
        Connection.InstallWriteKeys(Keys!, IsServer ? ServerAppSecret : ClientAppSecret);

    protected void InstallApplicationReadKeys() =>
        Connection.InstallReadKeys(Keys!, IsServer ? ClientAppSecret : ServerAppSecret, application: true);

    /// <summary>Our Finished (RFC 8446 §4.4.4) with the given finished_key, over the transcript so far.</summary>
    protected void SendFinished(ReadOnlySpan<byte> finishedKey)
    {
        Span<byte> hash = stackalloc byte[64];
        hash = hash[..Transcript.GetCurrentHash(hash)];
        Span<byte> verify = stackalloc byte[Keys!.HashLength];
        Keys.FinishedMac(finishedKey, hash, verify);
        Finished.Write(Writer, verify);
        SendWritten();
    }

    /// <summary>Checks the peer's Finished in constant time (RFC 8446 §4.4.4): a mismatch is decrypt_error.</summary>
    protected void VerifyFinished(ReadOnlySpan<byte> body, ReadOnlySpan<byte> finishedKey)
    {
        var received = Finished.Parse(body, Keys!.HashLength);
        Span<byte> hash = stackalloc byte[64];
        hash = hash[..Transcript.GetCurrentHash(hash)];
        Span<byte> expected = stackalloc byte[Keys.HashLength];
        Keys.FinishedMac(finishedKey, hash, expected);
        if (!CryptographicOperations.FixedTimeEquals(received, expected))
            throw TlsAlert.DecryptError("Finished.verify_data does not match the transcript");
    }

    protected void CompleteHandshake()
    {
        IsComplete = true;
        Transcript.Dispose(); // no later message enters the transcript
        CryptographicOperations.ZeroMemory(_trafficSecrets.AsSpan(0, 2 * _secretLength));
        Connection.OnHandshakeComplete();
    }

    private void LogSecret(string label, ReadOnlySpan<byte> secret)
    {
        if (Options.KeyLog is not { } log) return;
        log($"{label} {Convert.ToHexStringLower(ClientRandom)} {Convert.ToHexStringLower(secret)}");
    }

    /// <summary>The peer's chain, validated when its Certificate arrived; authorized once CertificateVerify proves possession.</summary>
    protected PeerIdentity? PendingPeer;

    /// <summary>
    /// The peer's CertificateVerify (RFC 8446 §4.4.3) over the transcript up to its Certificate; then the application's
    /// authorization callback sees the identity that proved possession of its key.
    /// </summary>
    protected void ReceiveCertificateVerify(ReadOnlyMemory<byte> message, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[64];
        PeerSignatureScheme = CertificateAuthentication.VerifyCertificateVerify(body, PendingPeer!.Certificate, Options.SignatureSchemes, peerIsServer: !IsServer,
            hash[..Transcript.GetCurrentHash(hash)]);
        Transcript.Add(message.Span);
        PeerIdentity = CertificateAuthentication.Authorize(PendingPeer, Options);
    }

    // ---- after the handshake (RFC 8446 §4.6) ---------------------------------------------------------------------

    protected virtual void HandlePostHandshake(HandshakeType type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case HandshakeType.KeyUpdate:
                ReceiveKeyUpdate(body);
                break;
            default:
                throw TlsAlert.UnexpectedMessage($"{type} after the handshake");
        }
    }

    public void OnApplicationData() => _keyUpdatesWithoutData = 0;

    private void ReceiveKeyUpdate(ReadOnlySpan<byte> body)
    {
        bool requested = KeyUpdate.Parse(body);
        if (++_keyUpdatesWithoutData > Options.Limits.MaxKeyUpdatesWithoutData)
            throw TlsAlert.UnexpectedMessage($"more than {Options.Limits.MaxKeyUpdatesWithoutData} KeyUpdates without application data (limit MaxKeyUpdatesWithoutData)");
        // The peer's next records use its next traffic secret (RFC 8446 §4.6.3, §7.2).
        var peer = IsServer ? ClientAppSecret : ServerAppSecret;
        NextApplicationSecret(peer);
        Connection.InstallReadKeys(Keys!, peer, application: true);
        // "If the request_update field is set to update_requested, the receiver MUST send a KeyUpdate of its own
        // with request_update set to update_not_requested prior to sending its next Application Data record."
        if (requested && !Connection.LocalClosed)
            SendKeyUpdate(requestPeer: false);
    }

    /// <summary>Sends KeyUpdate under the current key, then moves to the next write secret (RFC 8446 §4.6.3).</summary>
    public void SendKeyUpdate(bool requestPeer)
    {
        KeyUpdate.Write(Writer, requestPeer);
        Connection.QueueHandshake(Writer.WrittenSpan);
        Writer.Clear();
        var own = IsServer ? ServerAppSecret : ClientAppSecret;
        NextApplicationSecret(own);
        Connection.InstallWriteKeys(Keys!, own);
    }

    /// <summary>Replaces <paramref name="secret"/> with application_traffic_secret_N+1 (RFC 8446 §7.2); the old one is overwritten.</summary>
    private void NextApplicationSecret(Span<byte> secret)
    {
        Span<byte> next = stackalloc byte[secret.Length];
        Keys!.NextApplicationSecret(secret, next);
        next.CopyTo(secret);
        CryptographicOperations.ZeroMemory(next);
    }

    /// <summary>Returns the message writer's buffer to the pool.</summary>
    public void ReleaseBuffers() => Writer.Release();

    public virtual void Dispose()
    {
        Writer.Release();
        Transcript.Dispose();
        Keys?.Dispose();
        CryptographicOperations.ZeroMemory(_trafficSecrets);
    }
}
