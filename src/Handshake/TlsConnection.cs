using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.KeySchedule;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>
/// One TLS 1.3 connection, client or server, as a sans-IO state machine: ciphertext bytes in, ciphertext bytes to
/// send and plaintext out. It owns no socket, thread or timer; <see cref="TlsStream"/> and <see cref="TlsPipe"/> are
/// thin adapters over it. Not thread-safe: one caller at a time.
/// </summary>
/// <remarks>
/// Every failure is a <see cref="TlsAlertException"/>. When this side raises it, the alert record has already been
/// written to the transmit output of the failing call: send those bytes, then close the transport.
/// </remarks>
public sealed partial class TlsConnection : IDisposable
{
    private readonly HandshakeMachine _machine;
    private readonly TlsOptions _options;
    private readonly HandshakeJoiner _joiner;
    private readonly Codec.TlsWriter _pendingHandshake = new(1024);
    private IBufferWriter<byte>? _transmit;
    private bool _wroteTransmit;

    private TlsConnection(TlsOptions options, bool isServer)
    {
        options.Validate();
        _options = options;
        IsServer = isServer;
        _joiner = new HandshakeJoiner(options.Limits.MaxHandshakeMessageSize);
        Records.PadToMultipleOf = options.PadRecordsTo;
        _machine = isServer
            ? new Server.ServerHandshake(this, (TlsServerOptions)options)
            : new Client.ClientHandshake(this, (TlsClientOptions)options);
    }

    /// <summary>Creates a client connection. Call <see cref="Start"/> to produce the ClientHello.</summary>
    public static TlsConnection CreateClient(TlsClientOptions options) => new(options, isServer: false);

    /// <summary>Creates a server connection; it waits for a ClientHello.</summary>
    public static TlsConnection CreateServer(TlsServerOptions options) => new(options, isServer: true);

    internal RecordLayer Records { get; } = new();
    internal TlsOptions Options => _options;

    public bool IsServer { get; }
    public TlsConnectionState State { get; private set; } = TlsConnectionState.New;
    public bool IsHandshakeComplete => State is TlsConnectionState.Established or TlsConnectionState.Closing;

    /// <summary>The peer sent close_notify.</summary>
    public bool PeerClosed { get; private set; }

    /// <summary>This side sent close_notify.</summary>
    public bool LocalClosed { get; private set; }

    /// <summary>The fatal alert that ended the connection, sent or received.</summary>
    public TlsAlertException? Failure { get; private set; }

    /// <summary>The negotiated cipher suite, once ServerHello is sent or received.</summary>
    public CipherSuite? CipherSuite => _machine.Suite;

    /// <summary>The group of the (EC)DHE exchange.</summary>
    public NamedGroup? NamedGroup => _machine.Group;

    /// <summary>The scheme this side signed its CertificateVerify with, if it sent one.</summary>
    public SignatureScheme? LocalSignatureScheme => _machine.LocalSignatureScheme;

    /// <summary>The scheme of the peer's CertificateVerify, if it sent one.</summary>
    public SignatureScheme? PeerSignatureScheme => _machine.PeerSignatureScheme;

    /// <summary>The ALPN protocol agreed on (RFC 7301), or null.</summary>
    public string? ApplicationProtocol => _machine.ApplicationProtocol;

    /// <summary>The server name the client sent (SNI), or null.</summary>
    public string? ServerName => _machine.ServerName;

    /// <summary>True if this connection resumed an earlier session with a ticket (PSK with (EC)DHE, RFC 8446 §2.2).</summary>
    public bool Resumed => _machine.Resumed;

    /// <summary>True if the server answered the first ClientHello with a HelloRetryRequest.</summary>
    public bool HelloRetried => _machine.HelloRetried;

    /// <summary>The peer's verified identity, or null when the peer sent no certificate (server with optional client auth).</summary>
    public PeerIdentity? PeerIdentity => _machine.PeerIdentity;

    /// <summary>Starts the handshake. A client writes its ClientHello to <paramref name="transmit"/>; a server writes nothing.</summary>
    public void Start(IBufferWriter<byte> transmit)
    {
        if (State != TlsConnectionState.New)
            throw new InvalidOperationException("the connection has already started");
        State = TlsConnectionState.Handshaking;
        _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        Run(transmit, Operation.Start, default, null, out _);
    }

    /// <summary>
    /// Consumes complete records from <paramref name="input"/>: handshake messages advance the state machine,
    /// application data is written to <paramref name="plaintext"/>, and anything to send (handshake flights,
    /// KeyUpdate answers, close_notify answers, alerts) is written to <paramref name="transmit"/>. A partial record at
    /// the end is left unconsumed; call again with it and more bytes.
    /// </summary>
    public TlsStatus Process(in ReadOnlySequence<byte> input, IBufferWriter<byte> transmit, IBufferWriter<byte> plaintext, out SequencePosition consumed)
    {
        if (State == TlsConnectionState.New)
        {
            if (!IsServer) throw new InvalidOperationException("call Start before Process on a client");
            State = TlsConnectionState.Handshaking;
            _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        ThrowIfFailed();
        var status = Run(transmit, Operation.Records, input, plaintext, out long used);
        consumed = input.GetPosition(used);
        if (_wroteTransmit) status |= TlsStatus.Transmit;
        return status;
    }

    /// <summary>Convenience overload over one contiguous buffer.</summary>
    public TlsStatus Process(ReadOnlyMemory<byte> input, IBufferWriter<byte> transmit, IBufferWriter<byte> plaintext, out int consumed)
    {
        var seq = new ReadOnlySequence<byte>(input);
        var status = Process(seq, transmit, plaintext, out var pos);
        consumed = (int)seq.Slice(0, pos).Length;
        return status;
    }

    /// <summary>
    /// Protects <paramref name="plaintext"/> as application data records (fragmented at the record limit) into
    /// <paramref name="transmit"/>. Updates the write key first when it nears its usage limit (RFC 8446 §5.5).
    /// </summary>
    public void Encrypt(ReadOnlySpan<byte> plaintext, IBufferWriter<byte> transmit)
    {
        ThrowIfFailed();
        if (!IsHandshakeComplete)
            throw new InvalidOperationException("application data cannot be sent before the handshake completes");
        if (LocalClosed)
            throw new InvalidOperationException("close_notify was sent; no more data may be written (RFC 8446 §6.1)");
        _transmit = transmit;
        try
        {
            int max = Records.MaxFragmentLength;
            do
            {
                if (Records.WriteProtection!.SequenceNumber >= KeyUpdateThreshold)
                    _machine.SendKeyUpdate(requestPeer: false);
                var chunk = plaintext[..Math.Min(max, plaintext.Length)];
                Records.Write(ContentType.ApplicationData, chunk, transmit);
                plaintext = plaintext[chunk.Length..];
            }
            while (!plaintext.IsEmpty);
        }
        catch (Exception e) when (e is not InvalidOperationException and not ObjectDisposedException)
        {
            throw Failed(e, transmit);
        }
        finally
        {
            _transmit = null;
        }
    }

    /// <summary>
    /// Protects plaintext held in several buffers (a Pipelines <see cref="ReadOnlySequence{T}"/>) as full records: a
    /// record that would straddle two segments is gathered first (into a pooled buffer, cleared before it goes back),
    /// so small segments — a <see cref="System.IO.Pipelines.Pipe"/>'s are 4 KiB by default — do not become small
    /// records, each with its own header, tag and AEAD call. Otherwise as
    /// <see cref="Encrypt(ReadOnlySpan{byte}, IBufferWriter{byte})"/>.
    /// </summary>
    public void Encrypt(in ReadOnlySequence<byte> plaintext, IBufferWriter<byte> transmit)
    {
        if (plaintext.IsSingleSegment)
        {
            Encrypt(plaintext.FirstSpan, transmit);
            return;
        }
        // The peer's record_size_limit (RFC 8449 §4) is settled by the handshake; a KeyUpdate inside Encrypt keeps it.
        int max = Math.Min(RecordHeader.MaxPlaintextLength, Records.MaxFragmentLength);
        byte[]? gather = null;
        int gathered = 0;
        try
        {
            var rest = plaintext;
            while (!rest.IsEmpty)
            {
                var first = rest.FirstSpan;
                if (first.Length >= max || rest.Length == first.Length)
                {
                    // Whole records from this segment; its tail joins the next segment's head, unless it is the last.
                    int whole = rest.Length == first.Length ? first.Length : first.Length - first.Length % max;
                    Encrypt(first[..whole], transmit);
                    rest = rest.Slice(whole);
                    continue;
                }
                gather ??= ArrayPool<byte>.Shared.Rent(max);
                int n = (int)Math.Min(max, rest.Length);
                rest.Slice(0, n).CopyTo(gather);
                gathered = Math.Max(gathered, n);
                Encrypt(gather.AsSpan(0, n), transmit);
                rest = rest.Slice(n);
            }
        }
        finally
        {
            if (gather is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(gather.AsSpan(0, gathered));
                ArrayPool<byte>.Shared.Return(gather);
            }
        }
    }

    /// <summary>Sends a KeyUpdate (RFC 8446 §4.6.3); with <paramref name="requestPeer"/> the peer updates its keys too.</summary>
    public void UpdateKeys(IBufferWriter<byte> transmit, bool requestPeer)
    {
        ThrowIfFailed();
        if (!IsHandshakeComplete || LocalClosed)
            throw new InvalidOperationException("KeyUpdate needs an established connection that has not sent close_notify");
        Run(transmit, requestPeer ? Operation.KeyUpdateRequestingPeer : Operation.KeyUpdate, default, null, out _);
    }

    /// <summary>
    /// Keying material exported from this connection (RFC 8446 §7.5, the interface of RFC 5705): both peers get the same
    /// <paramref name="output"/>.Length bytes for the same label and context, and nobody else can compute them — for
    /// channel binding (RFC 9266's tls-exporter: label "EXPORTER-Channel-Binding", no context, 32 bytes) or keys of an
    /// application protocol. An empty context is the same as none in TLS 1.3. Available once the handshake is complete
    /// and until the connection is disposed; a KeyUpdate does not change it, a resumed connection has its own.
    /// </summary>
    /// <exception cref="ArgumentException">The label is empty or longer than 249 bytes ("tls13 " and the label make an
    /// HkdfLabel label of at most 255, §7.1), or the output is empty or longer than 255 hash lengths (RFC 5869).</exception>
    /// <exception cref="InvalidOperationException">The handshake is not complete.</exception>
    /// <exception cref="TlsAlertException">The connection failed (the alert that ended it).</exception>
    public void ExportKeyingMaterial(ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        ThrowIfFailed();
        if (!IsHandshakeComplete)
            throw new InvalidOperationException("keying material can be exported once the handshake is complete");
        if (label.IsEmpty || label.Length > 249)
            throw new ArgumentException($"an exporter label is 1 to 249 bytes, not {label.Length} (RFC 8446 §7.1, §7.5)", nameof(label));
        int max = 255 * Crypto.CipherSuites.HashLength(CipherSuite!.Value);
        if (output.IsEmpty || output.Length > max)
            throw new ArgumentException($"exported keying material is 1 to {max} bytes with this suite's hash, not {output.Length} (RFC 5869 §2.3)", nameof(output));
        _machine.ExportKeyingMaterial(label, context, output);
    }

    /// <summary>Sends close_notify (RFC 8446 §6.1): this side will write nothing more. Idempotent.</summary>
    public void Close(IBufferWriter<byte> transmit)
    {
        if (LocalClosed || State == TlsConnectionState.Failed)
            return;
        LocalClosed = true;
        if (State == TlsConnectionState.Established) State = TlsConnectionState.Closing;
        // Before the handshake completes, user_canceled precedes close_notify (RFC 8446 §6.1).
        if (!IsHandshakeComplete && State != TlsConnectionState.New)
            WriteAlert(AlertDescription.UserCanceled, AlertLevel.Warning, transmit);
        if (State != TlsConnectionState.New)
            WriteAlert(AlertDescription.CloseNotify, AlertLevel.Warning, transmit);
        ReleaseBuffers();
    }

    private ulong KeyUpdateThreshold =>
        _options.Limits.KeyUpdateAfterRecords ?? Records.WriteProtection!.RecordLimit;

    // ---- services for the handshake state machines -------------------------------------------------------------

    /// <summary>Queues a complete handshake message for sending under the current write keys.</summary>
    internal void QueueHandshake(ReadOnlySpan<byte> message) => _pendingHandshake.WriteBytes(message);

    /// <summary>Writes queued handshake messages as records, aligned to a record boundary (RFC 8446 §5.1).</summary>
    internal void FlushHandshake()
    {
        if (_pendingHandshake.Length == 0) return;
        Records.Write(ContentType.Handshake, _pendingHandshake.WrittenSpan, Transmit, _machine.InitialRecordVersion);
        _pendingHandshake.Clear();
        _wroteTransmit = true;
    }

    /// <summary>Sends the middlebox-compatibility change_cipher_spec record (RFC 8446 §D.4), always in plaintext.</summary>
    internal void SendChangeCipherSpec()
    {
        FlushHandshake();
        if (Records.WriteProtection is not null)
            throw new InvalidOperationException("change_cipher_spec must be sent before write keys are installed");
        Records.Write(ContentType.ChangeCipherSpec, [1], Transmit);
    }

    /// <summary>
    /// Installs write keys from <paramref name="trafficSecret"/> (RFC 8446 §7.3), once the messages queued under the
    /// current keys are written: the current protection is rekeyed in place, so nothing may be sealed with it after.
    /// </summary>
    internal void InstallWriteKeys(TlsKeySchedule keys, ReadOnlySpan<byte> trafficSecret, Span<byte> finishedKey = default)
    {
        FlushHandshake();
        Records.SetWriteProtection(keys.CreateProtection(trafficSecret, Records.WriteProtection, finishedKey));
    }

    /// <summary>
    /// Installs read keys (and, for a handshake traffic secret, derives its finished_key: see
    /// <see cref="TlsKeySchedule.CreateProtection"/>). Handshake messages must not span a key change (RFC 8446 §5.1).
    /// </summary>
    internal void InstallReadKeys(TlsKeySchedule keys, ReadOnlySpan<byte> trafficSecret, bool application, Span<byte> finishedKey = default)
    {
        if (_joiner.HasBufferedData)
            throw TlsAlert.UnexpectedMessage("handshake data continues past a key change in the same record (RFC 8446 §5.1)");
        Records.SetReadProtection(keys.CreateProtection(trafficSecret, Records.ReadProtection, finishedKey));
        _readApplicationKeys = application;
    }

    internal void SetPeerRecordSizeLimit(int limit) => Records.PeerRecordSizeLimit = Math.Min(limit, RecordHeader.MaxInnerPlaintextLength);

    internal void SetLocalRecordSizeLimit(int limit) => Records.LocalRecordSizeLimit = limit;

    internal void OnHandshakeComplete()
    {
        State = LocalClosed ? TlsConnectionState.Closing : TlsConnectionState.Established;
        _handshakeJustCompleted = true;
        TlsMetrics.HandshakeCompleted(IsServer, _startTimestamp, PeerIdentity, _options.TimeProvider.GetUtcNow());
    }

    private long _startTimestamp;

    internal IBufferWriter<byte> Transmit => _transmit ?? throw new InvalidOperationException("no transmit buffer during this call");

    // ---- error handling ------------------------------------------------------------------------------------------

    private enum Operation
    {
        Start,
        Records,
        KeyUpdate,
        KeyUpdateRequestingPeer,
    }

    /// <summary>
    /// Runs one operation with the engine's error contract: a TLS failure writes its alert to <paramref name="transmit"/>
    /// and fails the connection; any other exception (a bug) becomes internal_error. Written without closures so the
    /// record path does not allocate.
    /// </summary>
    private TlsStatus Run(IBufferWriter<byte> transmit, Operation operation, in ReadOnlySequence<byte> input, IBufferWriter<byte>? plaintext, out long consumed)
    {
        _transmit = transmit;
        _wroteTransmit = false;
        consumed = 0;
        try
        {
            var status = TlsStatus.None;
            switch (operation)
            {
                case Operation.Start:
                    _machine.Start();
                    break;
                case Operation.Records:
                    status = ProcessRecords(input, plaintext!, out consumed);
                    break;
                default:
                    _machine.SendKeyUpdate(operation == Operation.KeyUpdateRequestingPeer);
                    break;
            }
            FlushHandshake();
            if (IsHandshakeComplete)
            {
                // Post-handshake messages are rare: their buffers go back to the pool until needed.
                _pendingHandshake.Release();
                _machine.ReleaseBuffers();
            }
            return status;
        }
        catch (Exception e) when (e is not InvalidOperationException and not ObjectDisposedException)
        {
            throw Failed(e, transmit);
        }
        finally
        {
            _transmit = null;
        }
    }

    /// <summary>
    /// Fails the connection and returns the exception to throw: the TLS alert itself, or, for any other exception
    /// (a bug or a signing device error), internal_error — no other exception type escapes the engine.
    /// </summary>
    private TlsAlertException Failed(Exception e, IBufferWriter<byte> transmit)
    {
        var alert = e switch
        {
            TlsAlertException tls => tls,
            SigningException => TlsAlert.InternalError($"signing failed: {e.Message}", e),
            _ => TlsAlert.InternalError($"unexpected {e.GetType().Name}: {e.Message}", e),
        };
        Fail(alert, transmit);
        return alert;
    }

    private void Fail(TlsAlertException e, IBufferWriter<byte> transmit)
    {
        if (State == TlsConnectionState.Failed) return;
        Failure = e;
        TlsMetrics.Failed(IsServer, e);
        if (!e.ReceivedFromPeer)
        {
            try
            {
                _pendingHandshake.Clear();
                WriteAlert(e.Alert, AlertLevel.Fatal, transmit);
                _wroteTransmit = true;
            }
            catch (Exception)
            {
                // The alert is best effort (RFC 8446 §6.2 "SHOULD send"); the original failure is what matters.
            }
        }
        State = TlsConnectionState.Failed;
        DisposeSecrets();
    }

    private void WriteAlert(AlertDescription description, AlertLevel level, IBufferWriter<byte> transmit)
    {
        Records.Write(ContentType.Alert, [(byte)level, (byte)description], transmit);
    }

    private void ThrowIfFailed()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(TlsConnection));
        if (Failure is not null) throw Failure;
    }

    private bool _disposed;

    private void DisposeSecrets()
    {
        _machine.Dispose();
        _pendingHandshake.Release();
        ReleaseBuffers();
        Records.Dispose();
        _joiner.Dispose();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposeSecrets();
    }
}
