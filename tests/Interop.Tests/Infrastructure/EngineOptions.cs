using TlsEngine.X509;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Engine options over the test PKI: mutual TLS, one trust anchor, short handshake timeout.</summary>
public static class EngineOptions
{
    public static TlsServerOptions Server(PkiFixture pki, KeyType serverKey, KeyType clientCa)
    {
        var (cert, key) = pki.Server(serverKey);
        return Server(cert, key, pki.Ca(clientCa));
    }

    public static TlsServerOptions Server(string cert, string key, string clientCaFile) => new()
    {
        Certificate = TlsCertificate.LoadPem(cert, key),
        TrustAnchors = TrustStore.LoadFile(clientCaFile),
        ClientAuthentication = ClientAuthenticationMode.Required,
        HandshakeTimeout = Timeouts.Step,
    };

    public static TlsClientOptions Client(PkiFixture pki, KeyType clientKey, KeyType serverCa)
    {
        var (cert, key) = pki.Client(clientKey);
        return Client(cert, key, pki.Ca(serverCa));
    }

    public static TlsClientOptions Client(string? cert, string? key, string serverCaFile, string serverName = "localhost") => new()
    {
        Certificate = cert is null || key is null ? null : TlsCertificate.LoadPem(cert, key),
        TrustAnchors = TrustStore.LoadFile(serverCaFile),
        ServerName = serverName,
        HandshakeTimeout = Timeouts.Step,
    };
}
