namespace TlsEngine;

/// <summary>Lifecycle of a <see cref="TlsConnection"/>.</summary>
public enum TlsConnectionState
{
    /// <summary>Created; the client has not yet called Start.</summary>
    New,

    /// <summary>Handshake messages are being exchanged.</summary>
    Handshaking,

    /// <summary>The handshake completed; application data flows.</summary>
    Established,

    /// <summary>close_notify was sent and/or received; see <see cref="TlsConnection.PeerClosed"/> and <see cref="TlsConnection.LocalClosed"/>.</summary>
    Closing,

    /// <summary>A fatal alert was sent or received; see <see cref="TlsConnection.Failure"/>. No further data flows.</summary>
    Failed,
}
