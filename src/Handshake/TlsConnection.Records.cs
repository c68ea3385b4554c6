using System.Buffers;
using TlsEngine.Crypto;
using TlsEngine.Record;

namespace TlsEngine;

/// <summary>Incoming record processing: content-type rules of RFC 8446 §5 and alerts of §6.</summary>
public sealed partial class TlsConnection
{
    private bool _readApplicationKeys;
    private bool _handshakeJustCompleted;
    private int _handshakeRecords;
    private long _handshakeBytes;
    private int _changeCipherSpecs;
    private int _emptyRecords;
    private int _warningAlerts;
    private long _earlyDataBudget;
    private byte[]? _decryptScratch;

    /// <summary>Set by the server when it must skip the client's 0-RTT records it will not accept (RFC 8446 §4.2.10).</summary>
    internal void SkipEarlyData(bool untilClientHello)
    {
        _earlyDataBudget = _options.Limits.MaxEarlyDataSkipped;
        _skipEarlyUntilClientHello = untilClientHello;
    }

    private bool _skipEarlyUntilClientHello;

    internal void StopSkippingEarlyData()
    {
        _earlyDataBudget = 0;
        _skipEarlyUntilClientHello = false;
    }

    /// <summary>Returns pooled buffers: an idle connection holds none (DESIGN.md "Performance rules of the road").</summary>
    private void ReleaseBuffers()
    {
        Records.ReleaseBuffers();
        if (_decryptScratch is { } scratch)
        {
            _decryptScratch = null;
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private TlsStatus ProcessRecords(ReadOnlySequence<byte> input, IBufferWriter<byte> plaintext, out long consumed)
    {
        var status = TlsStatus.None;
        consumed = 0;
        while (!PeerClosed && State != TlsConnectionState.Failed)
        {
            if (!Records.TryReadRecord(input.Slice(consumed), out var header, out var record, out int length))
                break;
            consumed += length;
            if (!IsHandshakeComplete)
                CountHandshakeRecord(length);
            status |= ProcessRecord(header, record, plaintext);
            DispatchHandshakeMessages();
            if (_handshakeJustCompleted)
            {
                _handshakeJustCompleted = false;
                status |= TlsStatus.HandshakeComplete;
            }
        }
        if (PeerClosed) status |= TlsStatus.PeerClosed;
        if (IsHandshakeComplete && !_joiner.HasBufferedData && consumed > 0) ReleaseBuffers();
        return status;
    }

    private void CountHandshakeRecord(int length)
    {
        _handshakeRecords++;
        _handshakeBytes += length;
        if (_handshakeRecords > _options.Limits.MaxHandshakeRecords)
            throw TlsAlert.UnexpectedMessage($"more than {_options.Limits.MaxHandshakeRecords} records before the handshake completed (limit MaxHandshakeRecords)");
        if (_handshakeBytes > _options.Limits.MaxHandshakeBytes)
            throw TlsAlert.UnexpectedMessage($"more than {_options.Limits.MaxHandshakeBytes} bytes before the handshake completed (limit MaxHandshakeBytes)");
    }

    private TlsStatus ProcessRecord(RecordHeader header, ReadOnlySpan<byte> record, IBufferWriter<byte> plaintext)
    {
        var body = record[RecordHeader.Size..];
        switch (header.Type)
        {
            case ContentType.ChangeCipherSpec:
                ReceiveChangeCipherSpec(body);
                return TlsStatus.None;
            case ContentType.Alert when Records.ReadProtection is null || !IsHandshakeComplete:
                // A peer that failed to process our flight may send a plaintext alert before it has our keys.
                return ReceiveAlert(body);
            case ContentType.ApplicationData when Records.ReadProtection is not null:
                return ReceiveProtected(record, plaintext);
            case ContentType.Handshake when Records.ReadProtection is null:
                if (body.IsEmpty)
                    throw TlsAlert.UnexpectedMessage("zero-length handshake record (RFC 8446 §5.1)");
                if (body.Length > RecordHeader.MaxPlaintextLength)
                    throw TlsAlert.RecordOverflow($"plaintext record of {body.Length} bytes exceeds 2^14 (RFC 8446 §5.1)");
                _joiner.Add(body);
                return TlsStatus.None;
            case ContentType.ApplicationData when _skipEarlyUntilClientHello:
                SkipEarly(body.Length, "0-RTT record before the second ClientHello");
                return TlsStatus.None;
            case ContentType.ApplicationData:
                throw TlsAlert.UnexpectedMessage("application data before record protection is established");
            default:
                throw TlsAlert.UnexpectedMessage($"plaintext {header.Type} record after record protection was established (RFC 8446 §5)");
        }
    }

    private void ReceiveChangeCipherSpec(ReadOnlySpan<byte> body)
    {
        // RFC 8446 §5: a single 0x01 byte, after the first ClientHello and before the peer's Finished, is dropped;
        // anything else is unexpected_message.
        if (body.Length != 1 || body[0] != 1)
            throw TlsAlert.UnexpectedMessage("change_cipher_spec record is not the single byte 0x01 (RFC 8446 §5)");
        if (!_machine.ChangeCipherSpecAllowed)
            throw TlsAlert.UnexpectedMessage("change_cipher_spec outside the handshake (RFC 8446 §5)");
        if (_joiner.HasBufferedData)
            throw TlsAlert.UnexpectedMessage("change_cipher_spec interleaved with a fragmented handshake message (RFC 8446 §5.1)");
        if (++_changeCipherSpecs > 1)
            throw TlsAlert.UnexpectedMessage("more than one change_cipher_spec record");
    }

    private TlsStatus ReceiveProtected(ReadOnlySpan<byte> record, IBufferWriter<byte> plaintext)
    {
        int maxInner = record.Length - RecordHeader.Size - Aead.TagLength;
        bool direct = _readApplicationKeys && !_joiner.HasBufferedData;
        Span<byte> destination;
        if (direct && maxInner > 0)
        {
            destination = plaintext.GetSpan(maxInner);
        }
        else
        {
            _decryptScratch ??= ArrayPool<byte>.Shared.Rent(RecordHeader.MaxCiphertextLength);
            destination = _decryptScratch;
        }
        int contentLength;
        ContentType type;
        try
        {
            contentLength = Records.Unprotect(record, destination, out type);
        }
        catch (TlsAlertException e) when (e.Alert == AlertDescription.BadRecordMac && _earlyDataBudget > 0)
        {
            // Rejected 0-RTT data: skip records that do not decrypt under the handshake key (RFC 8446 §4.2.10).
            SkipEarly(record.Length - RecordHeader.Size, "undecryptable 0-RTT record");
            return TlsStatus.None;
        }
        _earlyDataBudget = 0;
        var content = destination[..contentLength];
        try
        {
            switch (type)
            {
                case ContentType.ApplicationData:
                    return ReceiveApplicationData(content, plaintext, direct);
                case ContentType.Handshake:
                    if (content.IsEmpty)
                        throw TlsAlert.UnexpectedMessage("protected handshake record with zero-length content (RFC 8446 §5.4)");
                    _emptyRecords = 0;
                    _joiner.Add(content);
                    return TlsStatus.None;
                case ContentType.Alert:
                    return ReceiveAlert(content);
                case ContentType.ChangeCipherSpec:
                    throw TlsAlert.UnexpectedMessage("protected change_cipher_spec record (RFC 8446 §5)");
                default:
                    throw TlsAlert.UnexpectedMessage($"protected record of unknown inner content type {(byte)type} (RFC 8446 §5)");
            }
        }
        finally
        {
            // Only application data stays where it was decrypted (the caller's plaintext buffer): a post-handshake
            // message or an alert decrypted there is cleared once handled, with its inner content type, like the
            // scratch buffer (the padding after the type is zeros already, §5.4).
            if (!direct || type != ContentType.ApplicationData) destination[..(contentLength + 1)].Clear();
        }
    }

    private void SkipEarly(int length, string what)
    {
        _earlyDataBudget -= length;
        if (_earlyDataBudget < 0)
            throw TlsAlert.UnexpectedMessage($"{what}: more 0-RTT data than MaxEarlyDataSkipped");
    }

    private TlsStatus ReceiveApplicationData(ReadOnlySpan<byte> content, IBufferWriter<byte> plaintext, bool direct)
    {
        if (!_readApplicationKeys)
            throw TlsAlert.UnexpectedMessage("application data under handshake keys");
        if (_joiner.HasBufferedData)
            throw TlsAlert.UnexpectedMessage("application data interleaved with a fragmented handshake message (RFC 8446 §5.1)");
        if (content.IsEmpty)
        {
            if (++_emptyRecords > _options.Limits.MaxEmptyRecords)
                throw TlsAlert.UnexpectedMessage($"more than {_options.Limits.MaxEmptyRecords} consecutive empty records (limit MaxEmptyRecords)");
            return TlsStatus.None;
        }
        _emptyRecords = 0;
        _machine.OnApplicationData();
        if (!direct) content.CopyTo(plaintext.GetSpan(content.Length));
        plaintext.Advance(content.Length);
        return TlsStatus.ApplicationData;
    }

    private TlsStatus ReceiveAlert(ReadOnlySpan<byte> body)
    {
        // RFC 8446 §5.1: an alert record holds exactly one Alert (level, description).
        if (body.Length != 2)
            throw TlsAlert.DecodeError($"alert record of {body.Length} bytes; an alert is exactly 2 bytes (RFC 8446 §5.1)");
        if (_joiner.HasBufferedData)
            throw TlsAlert.UnexpectedMessage("alert interleaved with a fragmented handshake message (RFC 8446 §5.1)");
        var description = (AlertDescription)body[1];
        switch (description)
        {
            case AlertDescription.CloseNotify:
                PeerClosed = true;
                if (State == TlsConnectionState.Established) State = TlsConnectionState.Closing;
                if (!IsHandshakeComplete)
                    throw new TlsAlertException(AlertDescription.CloseNotify, "peer closed the connection during the handshake", receivedFromPeer: true);
                if (_options.AnswerCloseNotify && !LocalClosed)
                {
                    Close(Transmit);
                    _wroteTransmit = true;
                }
                return TlsStatus.PeerClosed;
            case AlertDescription.UserCanceled:
                // RFC 8446 §6.1: a closure alert, normally followed by close_notify.
                if (++_warningAlerts > 4)
                    throw TlsAlert.UnexpectedMessage("too many user_canceled alerts");
                return TlsStatus.None;
            default:
                // RFC 8446 §6: every other alert, known or unknown, is fatal whatever its level.
                throw new TlsAlertException(description, $"level {body[0]}", receivedFromPeer: true);
        }
    }

    private void DispatchHandshakeMessages()
    {
        while (!PeerClosed && State != TlsConnectionState.Failed && _joiner.TryTake(out var type, out var message))
        {
            try
            {
                _machine.Handle(type, message);
            }
            finally
            {
                // The message is a slice of the joiner's buffer: cleared here, whether or not the handler succeeded.
                _joiner.ReleaseTaken();
            }
        }
    }
}
