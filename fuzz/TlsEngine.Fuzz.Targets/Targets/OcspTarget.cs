using TlsEngine.Fuzz.Support;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// An OCSPResponse through <see cref="OcspResponse.Parse"/> and <see cref="OcspValidator.Validate(OcspResponse, Certificate, Certificate, OcspValidationOptions)"/>
/// for the fuzz PKI's server-p256 and its CA, at the response's own producedAt (so a recorded response is current).
/// Validation reports problems in its result and must not throw.
/// </summary>
public static class OcspTarget
{
    private static readonly Lazy<(Certificate Leaf, Certificate Issuer)> s_pair =
        new(() => (FuzzPki.Cert("server-p256.pem"), FuzzPki.Cert("ca-p256.pem")));

    public static void Run(byte[] input)
    {
        OcspResponse response;
        try
        {
            response = OcspResponse.Parse(input);
        }
        catch (X509Exception)
        {
            return;
        }
        var (leaf, issuer) = s_pair.Value;
        var options = new OcspValidationOptions { Time = response.ProducedAt, ExpectedNonce = response.Nonce };
        var result = OcspValidator.Validate(response, leaf, issuer, options);
        if (result.IsValid && result.Single is null)
            throw new InvalidOperationException("a valid OCSP result names no single response");
        OcspValidator.Validate(input, issuer, issuer, new OcspValidationOptions { Time = FuzzPki.Now, ExpectedNonce = [1] });
    }
}
