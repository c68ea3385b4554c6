using System.Security.Cryptography;

namespace TlsEngine.Hsm;

/// <summary>
/// A PKCS#11 key or token could not be opened or used outside a handshake (module not loadable, no matching token or
/// key, login refused). Messages name the PKCS#11 return value (e.g. CKR_PIN_INCORRECT) and never contain the PIN.
/// Failures while signing surface as <see cref="TlsEngine.Crypto.SigningException"/> instead.
/// </summary>
public sealed class HsmException(string message, Exception? inner = null) : CryptographicException(message, inner);
