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
}

/// <summary>A signing key could not sign (device error, unsupported scheme). The message never includes secrets.</summary>
public sealed class SigningException(string message, Exception? inner = null) : Exception(message, inner);
