using TlsEngine.Codec;
using TlsEngine.Crypto;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine;

/// <summary>
/// Certificate-based authentication for both roles (RFC 8446 §4.4.2, §4.4.3): building our Certificate and
/// CertificateVerify, and checking the peer's chain, name, authorization and signature.
/// </summary>
internal static class CertificateAuthentication
{
    // Room for the in-memory ECDSA keys' signatures (141 bytes at most, P-521); keys that cannot sign into it return arrays.
    private const int StackSignatureLength = 256;

    /// <summary>The first scheme of our key that the peer offered and our options allow, or null (RFC 8446 §4.4.3).</summary>
    public static SignatureScheme? ChooseScheme(TlsCertificate certificate, IReadOnlyList<SignatureScheme> peerOffered, IList<SignatureScheme> allowed)
    {
        // Indexed: a foreach over the interface would box the key's enumerator.
        var schemes = certificate.Key.Schemes;
        for (int i = 0; i < schemes.Count; i++)
        {
            var s = schemes[i];
            if (allowed.Contains(s) && peerOffered.Contains(s) && certificate.Leaf.PublicKey.IsCompatible(s))
                return s;
        }
        return null;
    }

    /// <summary>
    /// Writes a Certificate message (RFC 8446 §4.4.2); an absent certificate gives an empty certificate_list. An OCSP
    /// staple goes in the leaf's entry as a CertificateStatus (§4.4.2.1).
    /// </summary>
    public static void WriteCertificate(TlsWriter w, TlsCertificate? certificate, byte[] context, ReadOnlyMemory<byte>? staple = null)
    {
        var at = CertificateMessage.WriteStart(w, context);
        if (certificate is not null)
        {
            var chain = certificate.Chain;
            for (int i = 0; i < chain.Count; i++)
            {
                w.WriteVector24(chain[i].RawData.Span);
                int block = w.BeginVector16();
                if (i == 0 && staple is { IsEmpty: false } s)
                {
                    int e = ExtensionList.BeginExtension(w, ExtensionType.StatusRequest);
                    StatusRequestExtension.WriteCertificateStatus(w, s.Span);
                    ExtensionList.EndExtension(w, e);
                }
                w.EndVector16(block);
            }
        }
        CertificateMessage.WriteEnd(w, at);
    }

    /// <summary>Writes CertificateVerify: a signature over 64 spaces, the role's context string, 0x00 and the transcript hash.</summary>
    public static void WriteCertificateVerify(TlsWriter w, TlsCertificate certificate, SignatureScheme scheme, bool server, ReadOnlySpan<byte> transcriptHash)
    {
        Span<byte> content = stackalloc byte[CertificateVerify.MaxSignedContentLength];
        content = content[..CertificateVerify.WriteSignedContent(server, transcriptHash, content)];
        // A key that can signs into a stack buffer (no signature array per handshake); others return an array.
        Span<byte> signature = stackalloc byte[StackSignatureLength];
        if (certificate.Key.TrySign(scheme, content, signature, out int written))
            CertificateVerify.Write(w, scheme, signature[..written]);
        else
            CertificateVerify.Write(w, scheme, certificate.Key.Sign(scheme, content));
    }

    /// <summary>
    /// Checks the peer's CertificateVerify (RFC 8446 §4.4.3): the scheme must be one we offered (illegal_parameter),
    /// fit the leaf key (illegal_parameter), and the signature must verify (decrypt_error).
    /// </summary>
    public static SignatureScheme VerifyCertificateVerify(ReadOnlySpan<byte> body, Certificate leaf, IList<SignatureScheme> offered, bool peerIsServer, ReadOnlySpan<byte> transcriptHash)
    {
        var algorithm = CertificateVerify.Parse(body, out var signature);
        if (!offered.Contains(algorithm) || !SignatureSchemes.IsSupported(algorithm))
            throw TlsAlert.IllegalParameter($"CertificateVerify uses {SignatureSchemes.Name(algorithm)}, which was not offered in signature_algorithms");
        var key = PublicKeyOf(leaf);
        if (!key.IsCompatible(algorithm))
            throw TlsAlert.IllegalParameter($"CertificateVerify uses {SignatureSchemes.Name(algorithm)}, which does not fit the certificate's {key.Type} key");
        Span<byte> content = stackalloc byte[CertificateVerify.MaxSignedContentLength];
        content = content[..CertificateVerify.WriteSignedContent(peerIsServer, transcriptHash, content)];
        if (!key.Verify(SignatureSchemes.ToAlgorithm(algorithm), content, signature))
            throw TlsAlert.DecryptError($"CertificateVerify signature ({SignatureSchemes.Name(algorithm)}) does not verify with the certificate of '{leaf.Subject}'");
        return algorithm;
    }

    private static PublicKey PublicKeyOf(Certificate leaf)
    {
        try
        {
            return leaf.PublicKey;
        }
        catch (X509Exception e)
        {
            throw new TlsAlertException(AlertDescription.UnsupportedCertificate, $"the peer's public key cannot be used: {e.Message}");
        }
    }

    /// <summary>
    /// Parses the peer's certificate_list and validates the chain to our trust anchors (RFC 5280 path validation via
    /// TlsEngine.X509), including the name (server) and extended key usage.
    /// </summary>
    public static PeerIdentity ValidateChain(CertificateMessage message, TlsOptions options, bool peerIsServer, string? expectedName)
    {
        System.Net.IPAddress? ip = null;
        string? dns = null;
        if (expectedName is not null && !System.Net.IPAddress.TryParse(expectedName, out ip))
            dns = expectedName;
        var validationOptions = new ValidationOptions
        {
            Time = options.TimeProvider.GetUtcNow(),
            Purpose = peerIsServer ? KeyPurpose.ServerAuth : KeyPurpose.ClientAuth,
            MaxDepth = Math.Max(options.Limits.MaxCertificateChainLength, 2),
            DnsName = dns,
            IpAddress = ip,
            Budget = options.Limits.PathValidationBudget,
            Crls = options.Revocation.Crls?.Current ?? [],
            RequireRevocationStatus = options.Revocation.Crls is not null && options.Revocation.RequireCrlCoverage,
        };
        var encoded = new ReadOnlyMemory<byte>[message.Entries.Count];
        for (int i = 0; i < encoded.Length; i++) encoded[i] = message.Entries[i].CertData;
        // The entries are slices of the received message, which is cleared after its handler: a chain seen before is
        // answered from the cache without parsing, and the certificates of any other are copied as they are parsed.
        var result = options.ChainValidator.ValidateEncoded(encoded, validationOptions);
        if (!result.IsValid)
        {
            var error = result.Error!;
            throw new TlsAlertException(AlertFor(error.Code), $"{(peerIsServer ? "server" : "client")} certificate rejected: {error.Message}");
        }
        StapleCheck.Check(message, result.Chain, options, peerIsServer);
        return new PeerIdentity(result.Chain);
    }

    /// <summary>Runs the application's authorization callback on a peer that proved possession of its key.</summary>
    public static PeerIdentity Authorize(PeerIdentity identity, TlsOptions options)
    {
        if (options.AuthorizePeer is { } authorize && !authorize(identity))
            throw new TlsAlertException(AlertDescription.AccessDenied, $"the authorization callback refused the peer ({identity})");
        return identity;
    }

    /// <summary>The one place where certificate failures become alerts (DESIGN.md "Errors are alerts").</summary>
    public static AlertDescription AlertFor(CertificateErrorCode code) => code switch
    {
        CertificateErrorCode.UnknownIssuer => AlertDescription.UnknownCa,
        CertificateErrorCode.Expired or CertificateErrorCode.NotYetValid => AlertDescription.CertificateExpired,
        CertificateErrorCode.Revoked => AlertDescription.CertificateRevoked,
        CertificateErrorCode.RevocationStatusUnknown => AlertDescription.CertificateUnknown,
        CertificateErrorCode.UnsupportedAlgorithm => AlertDescription.UnsupportedCertificate,
        _ => AlertDescription.BadCertificate,
    };
}
