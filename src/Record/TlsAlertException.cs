namespace TlsEngine.Record;

/// <summary>
/// The one exception type the engine lets escape: a fatal TLS alert, either raised locally (and sent to the peer
/// when the connection could still send) or received from the peer (<see cref="ReceivedFromPeer"/>).
/// The message names what was wrong: which message, which field, which certificate.
/// </summary>
public class TlsAlertException : Exception
{
    public TlsAlertException(AlertDescription alert, string message, bool receivedFromPeer = false, Exception? inner = null)
        : base(Format(alert, message, receivedFromPeer), inner)
    {
        Alert = alert;
        Detail = message;
        ReceivedFromPeer = receivedFromPeer;
    }

    /// <summary>The alert description (RFC 8446 §6).</summary>
    public AlertDescription Alert { get; }

    /// <summary>What was wrong, without the alert name.</summary>
    public string Detail { get; }

    /// <summary>True if the peer sent this alert; false if this side raised it.</summary>
    public bool ReceivedFromPeer { get; }

    private static string Format(AlertDescription alert, string message, bool fromPeer) =>
        fromPeer ? $"peer sent {AlertDescriptions.Name(alert)}: {message}" : $"{AlertDescriptions.Name(alert)}: {message}";
}

/// <summary>Factories for locally raised alerts, so call sites read as the RFC does.</summary>
public static class TlsAlert
{
    public static TlsAlertException DecodeError(string what) => new(AlertDescription.DecodeError, what);
    public static TlsAlertException UnexpectedMessage(string what) => new(AlertDescription.UnexpectedMessage, what);
    public static TlsAlertException IllegalParameter(string what) => new(AlertDescription.IllegalParameter, what);
    public static TlsAlertException HandshakeFailure(string what) => new(AlertDescription.HandshakeFailure, what);
    public static TlsAlertException RecordOverflow(string what) => new(AlertDescription.RecordOverflow, what);
    public static TlsAlertException BadRecordMac(string what) => new(AlertDescription.BadRecordMac, what);
    public static TlsAlertException DecryptError(string what) => new(AlertDescription.DecryptError, what);
    public static TlsAlertException MissingExtension(string what) => new(AlertDescription.MissingExtension, what);
    public static TlsAlertException UnsupportedExtension(string what) => new(AlertDescription.UnsupportedExtension, what);
    public static TlsAlertException ProtocolVersion(string what) => new(AlertDescription.ProtocolVersion, what);
    public static TlsAlertException InternalError(string what, Exception? inner = null) => new(AlertDescription.InternalError, what, false, inner);
}
