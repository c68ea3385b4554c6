using TlsEngine.Record;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Assertions about a refused handshake, on both ends.</summary>
public static class AlertExpectations
{
    /// <summary>How OpenSSL 3.0 words an alert in its error lines ("...:tlsv13 alert certificate required:...").</summary>
    public static string OpenSslText(AlertDescription a) => a switch
    {
        AlertDescription.CertificateRequired => "alert certificate required",
        AlertDescription.UnknownCa => "alert unknown ca",
        AlertDescription.CertificateExpired => "alert certificate expired",
        AlertDescription.BadCertificate => "alert bad certificate",
        AlertDescription.AccessDenied => "alert access denied",
        AlertDescription.BadCertificateStatusResponse => "tlsv1 bad certificate status response", // no "alert" in this one
        _ => "alert " + AlertDescriptions.Name(a).Replace('_', ' '),
    };

    /// <summary>Our engine raised <paramref name="expected"/> itself (and so sent it).</summary>
    public static void RaisedLocally(AlertDescription expected, TlsAlertException? e, string context)
    {
        Assert.True(e is not null, $"our engine accepted the handshake; expected it to raise {AlertDescriptions.Name(expected)}. {context}");
        Assert.True(e.Alert == expected && !e.ReceivedFromPeer,
            $"expected our engine to raise {AlertDescriptions.Name(expected)}, got {(e.ReceivedFromPeer ? "received " : "raised ")}{AlertDescriptions.Name(e.Alert)}: {e.Message}. {context}");
    }

    /// <summary>Our engine received <paramref name="expected"/> from openssl.</summary>
    public static void ReceivedFromPeer(AlertDescription expected, TlsAlertException? e, string context)
    {
        Assert.True(e is not null, $"our engine saw no alert; expected openssl to send {AlertDescriptions.Name(expected)}. {context}");
        Assert.True(e.Alert == expected && e.ReceivedFromPeer,
            $"expected to receive {AlertDescriptions.Name(expected)} from openssl, got {(e.ReceivedFromPeer ? "received " : "raised ")}{AlertDescriptions.Name(e.Alert)}: {e.Message}. {context}");
    }

    /// <summary>openssl reported receiving the alert: "SSL alert number N" and its name.</summary>
    public static void OpenSslReceived(AlertDescription expected, OpenSslOutput theirs)
    {
        Assert.True(theirs.AlertNumbers.Contains((int)expected),
            $"openssl did not report 'SSL alert number {(int)expected}' ({AlertDescriptions.Name(expected)}); it reported [{string.Join(",", theirs.AlertNumbers)}]:\n{OpenSslProcess.Tail(theirs.Text)}");
        Assert.Contains(OpenSslText(expected), theirs.Text, StringComparison.OrdinalIgnoreCase);
    }
}
