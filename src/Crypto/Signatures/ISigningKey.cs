namespace TlsEngine.Crypto;

/// <summary>
/// A private key that makes the signatures TLS needs (CertificateVerify, RFC 8446 §4.4.3). The engine never sees
/// key bytes: software keys, PKCS#11 tokens and remote signers all implement this.
/// Implementations must be safe to call from several connections at once.
/// </summary>
public interface ISigningKey
{
    /// <summary>The schemes this key can sign with, in the key's order of preference.</summary>
    IReadOnlyList<SignatureScheme> Schemes { get; }

    /// <summary>Signs <paramref name="content"/> (the whole message: the key hashes it as the scheme says).</summary>
    /// <exception cref="SigningException">The key or the device holding it failed.</exception>
    byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> content);

    /// <summary>
    /// Signs into <paramref name="destination"/> without an array when the key can (the handshake offers a stack
    /// buffer); returns false, without signing, when it cannot or the buffer is too small, and the caller uses
    /// <see cref="Sign"/>. Optional: the default always returns false.
    /// </summary>
    /// <exception cref="SigningException">The key or the device holding it failed.</exception>
    bool TrySign(SignatureScheme scheme, ReadOnlySpan<byte> content, Span<byte> destination, out int written)
    {
        written = 0;
        return false;
    }
}

/// <summary>A signing key could not sign (device error, unsupported scheme). The message never includes secrets.</summary>
public sealed class SigningException(string message, Exception? inner = null) : Exception(message, inner);
