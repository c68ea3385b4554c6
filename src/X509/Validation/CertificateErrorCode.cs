namespace TlsEngine.X509;

/// <summary>Why a certificate path was rejected. The handshake maps each code to one TLS alert.</summary>
public enum CertificateErrorCode
{
    /// <summary>A structure is invalid (e.g. signatureAlgorithm differs from tbsCertificate.signature).</summary>
    Malformed,
    /// <summary>No path to a trust anchor was found.</summary>
    UnknownIssuer,
    /// <summary>The validation time is after notAfter.</summary>
    Expired,
    /// <summary>The validation time is before notBefore.</summary>
    NotYetValid,
    /// <summary>A signature does not verify with the issuer's key.</summary>
    BadSignature,
    /// <summary>A signature or public key algorithm (or its parameters) is not supported.</summary>
    UnsupportedAlgorithm,
    /// <summary>An issuer is not a CA (basicConstraints cA is not true).</summary>
    NotCa,
    /// <summary>A pathLenConstraint is exceeded.</summary>
    PathLengthExceeded,
    /// <summary>keyUsage does not allow the use (keyCertSign on issuers, digitalSignature on the leaf).</summary>
    KeyUsage,
    /// <summary>extendedKeyUsage does not allow the requested purpose.</summary>
    ExtendedKeyUsage,
    /// <summary>The leaf does not match the expected DNS name or IP address.</summary>
    NameMismatch,
    /// <summary>A certificate has a critical extension that is not processed.</summary>
    UnknownCriticalExtension,
    /// <summary>Every candidate path is longer than the allowed depth.</summary>
    ChainTooLong,
    /// <summary>The path-building budget ran out; the search was abandoned.</summary>
    BudgetExhausted,
    /// <summary>A certificate is listed on a CRL of its issuer (RFC 5280 §6.3).</summary>
    Revoked,
    /// <summary>Certificate policy processing (RFC 5280 §6.1.3 (d)–(f), §6.1.5 (g)) failed.</summary>
    Policy,
    /// <summary>A name violates a name constraint (RFC 5280 §4.2.1.10).</summary>
    NameConstraints,
    /// <summary>CRLs of a certificate's issuer were supplied but none is usable (bad signature, stale, unsupported).</summary>
    RevocationStatusUnknown,
    /// <summary>A certificate breaks a profile rule of <see cref="ValidationOptions.StrictProfile"/> or the CA/B CN rule.</summary>
    Profile,
}
