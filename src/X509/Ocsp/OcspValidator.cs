using System.Security.Cryptography;

namespace TlsEngine.X509;

/// <summary>Why an OCSP response cannot be relied on.</summary>
public enum OcspErrorCode
{
    Malformed,
    Unsuccessful,
    NoMatchingResponse,
    UnsupportedAlgorithm,
    BadSignature,
    UnauthorizedResponder,
    NotYetValid,
    Expired,
    TooOld,
    NonceMismatch,
}

/// <summary>Inputs of OCSP validation.</summary>
public sealed class OcspValidationOptions
{
    /// <summary>The time to validate at (an injected clock; RFC 6960 §3.2 items 5 and 6).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Clock skew tolerated on thisUpdate and nextUpdate. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How old thisUpdate may be when the response has no nextUpdate. Default 1 day.</summary>
    public TimeSpan MaxAgeWithoutNextUpdate { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The nonce sent in the request, when the response must echo it (RFC 6960 §4.4.1); null for staples.</summary>
    public byte[]? ExpectedNonce { get; init; }
}

/// <summary>The outcome of validating an OCSP response for one certificate.</summary>
public sealed class OcspCheckResult
{
    internal OcspCheckResult(OcspErrorCode? error, string message, OcspSingleResponse? single, OcspResponse? response, string? responder)
    {
        Error = error;
        Message = message;
        Single = single;
        Response = response;
        Responder = responder;
    }

    /// <summary>True if the response is authentic, current and about this certificate (its status may still be revoked or unknown).</summary>
    public bool IsValid => Error is null;

    public OcspErrorCode? Error { get; }

    /// <summary>What was wrong, or a summary of the status.</summary>
    public string Message { get; }

    public OcspCertStatus? Status => Single?.Status;
    public OcspSingleResponse? Single { get; }
    public OcspResponse? Response { get; }

    /// <summary>Who signed: the issuer, or a delegated responder's subject.</summary>
    public string? Responder { get; }

    public override string ToString() => Message;

    internal static OcspCheckResult Fail(OcspErrorCode code, string message) => new(code, message, null, null, null);
}

/// <summary>
/// Validates an OCSP response for a certificate and its issuer (RFC 6960 §3.2): the CertID matches, the signature is
/// by the issuer or by a responder the issuer delegated with id-kp-OCSPSigning (§4.2.2.2), thisUpdate is not in the
/// future and nextUpdate not in the past (with the configured skew), and the nonce matches when one was sent.
/// </summary>
public static class OcspValidator
{
    /// <summary>Parses and validates DER bytes; malformed input is a result with <see cref="OcspErrorCode.Malformed"/>, not an exception.</summary>
    public static OcspCheckResult Validate(ReadOnlyMemory<byte> der, Certificate certificate, Certificate issuer, OcspValidationOptions options)
    {
        OcspResponse response;
        try
        {
            response = OcspResponse.Parse(der);
        }
        catch (X509Exception e)
        {
            return OcspCheckResult.Fail(OcspErrorCode.Malformed, $"malformed OCSP response: {e.Message}");
        }
        return Validate(response, certificate, issuer, options);
    }

    public static OcspCheckResult Validate(OcspResponse response, Certificate certificate, Certificate issuer, OcspValidationOptions options)
    {
        if (response.Status != OcspResponseStatus.Successful)
            return OcspCheckResult.Fail(OcspErrorCode.Unsuccessful, $"OCSP responder answered {response.Status}");
        OcspSingleResponse? single = null;
        try
        {
            foreach (var r in response.Responses)
            {
                if (r.CertId.Matches(certificate, issuer))
                {
                    single = r;
                    break;
                }
            }
        }
        catch (X509Exception e)
        {
            return OcspCheckResult.Fail(OcspErrorCode.Malformed, e.Message);
        }
        if (single is null)
            return OcspCheckResult.Fail(OcspErrorCode.NoMatchingResponse, $"the OCSP response has no status for serial {Convert.ToHexString(certificate.SerialNumber.Span)} of '{issuer.Subject}'");
        if (response.SignatureAlgorithm is not { } algorithm)
            return OcspCheckResult.Fail(OcspErrorCode.UnsupportedAlgorithm, response.SignatureAlgorithmProblem ?? $"signature algorithm {response.SignatureAlgorithmOid} is not supported");

        var signer = FindSigner(response, issuer, options.Time, out string? signerError);
        if (signer is null)
            return OcspCheckResult.Fail(OcspErrorCode.UnauthorizedResponder, signerError!);
        if (!signer.TryGetPublicKey(out var key, out string? keyError))
            return OcspCheckResult.Fail(OcspErrorCode.UnsupportedAlgorithm, keyError);
        if (!key.Verify(algorithm, response.TbsResponseData.Span, response.Signature.Span))
            return OcspCheckResult.Fail(OcspErrorCode.BadSignature, $"the OCSP response signature does not verify with the key of '{signer.Subject}'");

        if (single.ThisUpdate > options.Time + options.ClockSkew)
            return OcspCheckResult.Fail(OcspErrorCode.NotYetValid, $"OCSP thisUpdate {single.ThisUpdate:u} is in the future");
        if (single.NextUpdate is { } next)
        {
            if (next < options.Time - options.ClockSkew)
                return OcspCheckResult.Fail(OcspErrorCode.Expired, $"OCSP nextUpdate {next:u} has passed");
            if (next < single.ThisUpdate)
                return OcspCheckResult.Fail(OcspErrorCode.Malformed, "OCSP nextUpdate precedes thisUpdate");
        }
        else if (single.ThisUpdate < options.Time - options.MaxAgeWithoutNextUpdate)
        {
            return OcspCheckResult.Fail(OcspErrorCode.TooOld, $"OCSP thisUpdate {single.ThisUpdate:u} is older than {options.MaxAgeWithoutNextUpdate} and there is no nextUpdate");
        }
        if (options.ExpectedNonce is { } nonce && (response.Nonce is null || !CryptographicOperations.FixedTimeEquals(response.Nonce, nonce)))
            return OcspCheckResult.Fail(OcspErrorCode.NonceMismatch, "the OCSP response does not echo the request nonce");

        string status = single.Status switch
        {
            OcspCertStatus.Revoked => $"revoked at {single.RevocationTime:u}{(single.RevocationReason is { } reason ? $" ({reason})" : "")}",
            OcspCertStatus.Unknown => "unknown to the responder",
            _ => "good",
        };
        return new OcspCheckResult(null, $"'{certificate.Subject}' is {status} (responder '{signer.Subject}', this update {single.ThisUpdate:u})",
            single, response, signer.Subject.ToString());
    }

    /// <summary>
    /// The issuer itself, or a delegated responder certificate from the response that matches the ResponderID, was
    /// issued by the issuer's key, carries id-kp-OCSPSigning and is valid now (RFC 6960 §4.2.2.2).
    /// </summary>
    private static Certificate? FindSigner(OcspResponse response, Certificate issuer, DateTimeOffset now, out string? error)
    {
        error = null;
        if (MatchesResponderId(response, issuer))
            return issuer;
        foreach (var candidate in response.Certificates)
        {
            if (!MatchesResponderId(response, candidate)) continue;
            if (!candidate.Issuer.Matches(issuer.Subject))
            {
                error = $"responder '{candidate.Subject}' is not issued by '{issuer.Subject}' (RFC 6960 §4.2.2.2)";
                continue;
            }
            if (!candidate.HasExtendedKeyUsage(OcspOids.OcspSigning))
            {
                error = $"responder '{candidate.Subject}' lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2)";
                continue;
            }
            if (now < candidate.NotBefore || now > candidate.NotAfter)
            {
                error = $"responder certificate '{candidate.Subject}' is not valid at {now:u}";
                continue;
            }
            if (candidate.KeyUsage is { } ku && (ku & KeyUsageFlags.DigitalSignature) == 0)
            {
                error = $"responder certificate '{candidate.Subject}' keyUsage lacks digitalSignature";
                continue;
            }
            if (candidate.SignatureAlgorithm is not { } alg || !issuer.TryGetPublicKey(out var issuerKey, out _)
                || !issuerKey.Verify(alg, candidate.TbsCertificate.Span, candidate.Signature.Span))
            {
                error = $"responder certificate '{candidate.Subject}' is not signed by the key of '{issuer.Subject}'";
                continue;
            }
            return candidate;
        }
        error ??= $"the OCSP response is signed neither by '{issuer.Subject}' nor by a responder it delegated";
        return null;
    }

    private static bool MatchesResponderId(OcspResponse response, Certificate certificate)
    {
        if (response.ResponderName is { } name)
            return name.Matches(certificate.Subject);
        var keyHash = SHA1.HashData(OcspCertId.SubjectPublicKeyBits(certificate));
        return response.ResponderKeyHash!.AsSpan().SequenceEqual(keyHash);
    }
}
