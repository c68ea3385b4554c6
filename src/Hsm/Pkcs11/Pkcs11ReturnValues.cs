using Net.Pkcs11Interop.Common;

namespace TlsEngine.Hsm;

/// <summary>Classification and names of PKCS#11 return values (CK_RV, PKCS#11 v2.40 §5.1).</summary>
internal static class Pkcs11ReturnValues
{
    /// <summary>
    /// Errors after which a fresh session (with a new login when the token was logged out) may succeed: the session or
    /// login state was lost, the device was briefly gone, or the object handle no longer refers to the key in this
    /// session (PKCS#11 v2.40 §2.4: handles are only guaranteed per session; SoftHSM drops private handles on C_Logout).
    /// CKR_GENERAL_ERROR and CKR_FUNCTION_FAILED are included: SoftHSM returns CKR_GENERAL_ERROR from C_SignInit when
    /// C_CloseAllSessions tears the session down under it, and network HSMs report dropped links the same way.
    /// </summary>
    public static bool IsRecoverable(CKR rv) => rv is
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN or
        CKR.CKR_DEVICE_REMOVED or CKR.CKR_DEVICE_ERROR or CKR.CKR_TOKEN_NOT_PRESENT or
        CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OPERATION_ACTIVE or
        CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED;

    /// <summary>
    /// Errors meaning the application's sessions on the token no longer exist (C_CloseAllSessions elsewhere, device
    /// removed). Such sessions are abandoned without C_CloseSession: a module may reuse the handle for a new session.
    /// </summary>
    public static bool SessionsAreGone(CKR rv) => rv is
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT;

    /// <summary>"CKR_PIN_INCORRECT", or "CKR_VENDOR_DEFINED+0x…" / "CKR 0x…" for values Pkcs11Interop has no name for.</summary>
    public static string Name(CKR rv)
    {
        ulong value = (ulong)rv;
        if (Enum.IsDefined(rv)) return rv.ToString();
        const ulong vendor = 0x80000000;
        return value >= vendor ? $"CKR_VENDOR_DEFINED+0x{value - vendor:X}" : $"CKR 0x{value:X8}";
    }
}
