using Net.Pkcs11Interop.Common;

namespace TlsEngine.Hsm;

/// <summary>
/// A token operation failed for good: <see cref="Error"/> is the last PKCS#11 error, <see cref="FirstError"/> the
/// recoverable one that caused the retry on a fresh session, if there was a retry. Callers turn it into a
/// <see cref="TlsEngine.Crypto.SigningException"/> or an <see cref="HsmException"/> with their own context.
/// </summary>
internal sealed class Pkcs11CallException(Pkcs11Exception error, Pkcs11Exception? firstError)
    : Exception($"{error.Method} returned {Pkcs11ReturnValues.Name(error.RV)}", error)
{
    public Pkcs11Exception Error { get; } = error;

    public Pkcs11Exception? FirstError { get; } = firstError;

    /// <summary>"PKCS#11 C_Login returned CKR_PIN_INCORRECT{hint}; retried once on a fresh session after C_SignInit returned CKR_…".</summary>
    public string Describe(PinSource pin)
    {
        var retried = FirstError is null ? "" : $"; retried once on a fresh session after {FirstError.Method} returned {Pkcs11ReturnValues.Name(FirstError.RV)}";
        return $"PKCS#11 {Error.Method} returned {Pkcs11ReturnValues.Name(Error.RV)}{Hint(Error.RV, pin)}{retried}";
    }

    /// <summary>Extra words for return values whose cause is usually the configuration (never the PIN itself).</summary>
    private static string Hint(CKR rv, PinSource pin) => rv switch
    {
        CKR.CKR_PIN_INCORRECT => $" (the token refused the PIN from {pin})",
        CKR.CKR_PIN_LOCKED => " (the user PIN is locked; the security officer must unlock it)",
        CKR.CKR_PIN_LEN_RANGE => $" (the PIN from {pin} has a length the token does not accept)",
        CKR.CKR_USER_PIN_NOT_INITIALIZED => " (the token's user PIN was never set)",
        _ => "",
    };
}
