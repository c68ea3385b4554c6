using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine;

/// <summary>
/// The peer's OCSP staple against the revocation policy (RFC 8446 §4.4.2.1, RFC 6960 §3.2, RFC 7633): revoked is
/// certificate_revoked; a staple that cannot be relied on, or a missing one when it is required (by policy or by
/// the certificate's must-staple feature), is bad_certificate_status_response.
/// </summary>
internal static class StapleCheck
{
    public static void Check(CertificateMessage message, IReadOnlyList<Certificate> chain, TlsOptions options, bool peerIsServer)
    {
        CheckIntermediates(chain, options, peerIsServer);
        var policy = options.Revocation.Ocsp;
        if (policy == OcspPolicy.Off) return;
        var leaf = chain[0];
        string who = peerIsServer ? "server" : "client";
        bool required = policy == OcspPolicy.Require || RevocationInfo.MustStaple(leaf);
        byte[]? staple = message.Entries[0].Extensions.Find(ExtensionType.StatusRequest) is { } data
            ? StatusRequestExtension.ParseCertificateStatus(data)
            : null;
        if (staple is null)
        {
            if (required)
                throw new TlsAlertException(AlertDescription.BadCertificateStatusResponse,
                    $"the {who} certificate '{leaf.Subject}' came without an OCSP staple, which {(policy == OcspPolicy.Require ? "the revocation policy" : "its TLS Feature must-staple extension (RFC 7633)")} requires");
            return;
        }
        if (chain.Count < 2)
            throw new TlsAlertException(AlertDescription.BadCertificateStatusResponse, $"the {who} certificate's issuer is unknown, so its OCSP staple cannot be checked");
        var result = OcspValidator.Validate(staple, leaf, chain[1], new OcspValidationOptions
        {
            Time = options.TimeProvider.GetUtcNow(),
            ClockSkew = options.Revocation.ClockSkew,
        });
        if (!result.IsValid)
            throw new TlsAlertException(AlertDescription.BadCertificateStatusResponse, $"the {who}'s OCSP staple is not acceptable: {result.Message}");
        switch (result.Status)
        {
            case OcspCertStatus.Revoked:
                throw new TlsAlertException(AlertDescription.CertificateRevoked, $"the {who} certificate is revoked: {result.Message}");
            case OcspCertStatus.Unknown when required:
                throw new TlsAlertException(AlertDescription.BadCertificateStatusResponse, $"the {who}'s OCSP staple says: {result.Message}");
        }
    }

    /// <summary>
    /// Intermediates (between the leaf and the anchor) against cached OCSP results; misses are fetched in the
    /// background so the handshake never waits on a responder.
    /// </summary>
    private static void CheckIntermediates(IReadOnlyList<Certificate> chain, TlsOptions options, bool peerIsServer)
    {
        if (options.Revocation.IntermediateOcsp is not { } client) return;
        for (int i = 1; i < chain.Count - 1; i++)
        {
            var certificate = chain[i];
            var issuer = chain[i + 1];
            if (client.Cached(certificate, issuer) is { } cached)
            {
                if (cached.Check.Status == OcspCertStatus.Revoked)
                    throw new TlsAlertException(AlertDescription.CertificateRevoked,
                        $"intermediate certificate {i} of the {(peerIsServer ? "server" : "client")} chain is revoked: {cached.Check.Message}");
                continue;
            }
            if (RevocationInfo.OcspResponders(certificate).Count > 0)
                _ = FetchQuietlyAsync(client, certificate, issuer);
        }
    }

    private static async Task FetchQuietlyAsync(OcspClient client, Certificate certificate, Certificate issuer)
    {
        try
        {
            await client.FetchAsync(certificate, issuer).ConfigureAwait(false);
        }
        catch (X509Exception)
        {
            TlsMetrics.OcspRefreshFailed();
        }
    }
}
