namespace TlsEngine;

/// <summary>What a call to <see cref="TlsConnection.Process(in System.Buffers.ReadOnlySequence{byte}, System.Buffers.IBufferWriter{byte}, System.Buffers.IBufferWriter{byte}, out System.SequencePosition)"/> produced.</summary>
[Flags]
public enum TlsStatus
{
    /// <summary>Nothing beyond consuming input; feed more bytes when they arrive.</summary>
    None = 0,

    /// <summary>The handshake completed during this call; negotiated parameters and the peer identity are available.</summary>
    HandshakeComplete = 1,

    /// <summary>Application data was written to the plaintext output.</summary>
    ApplicationData = 2,

    /// <summary>The peer sent close_notify: it will send nothing more (end of data).</summary>
    PeerClosed = 4,

    /// <summary>Bytes were written to the transmit output and should be sent.</summary>
    Transmit = 8,
}
