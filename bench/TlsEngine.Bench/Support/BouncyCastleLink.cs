using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace TlsEngine.Bench.Support;

/// <summary>
/// BouncyCastle's TLS client and server in non-blocking mode (OfferInput / ReadOutput), joined in memory. The profile
/// matches ours: TLS 1.3 only, X25519, TLS_AES_128_GCM_SHA256, ecdsa_secp256r1_sha256, client certificate required,
/// each side checking the peer leaf's signature with the CA key and its validity period.
/// </summary>
internal sealed class BouncyCastleLink
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    public BouncyCastleLink(BenchPki pki)
    {
        Pki = pki;
        Crypto = new BcTlsCrypto(new SecureRandom());
        CaKey = pki.BcCa.GetPublicKey();
    }

    public BenchPki Pki { get; }
    public BcTlsCrypto Crypto { get; }

    /// <summary>The CA's public key, parsed once (as our trust anchors are).</summary>
    public AsymmetricKeyParameter CaKey { get; }

    public TlsClientProtocol Client { get; private set; } = null!;
    public TlsServerProtocol Server { get; private set; } = null!;

    /// <summary>Thread CPU time (ns) spent inside each side's calls, when <see cref="Timed"/>.</summary>
    public bool Timed { get; set; }
    public long ServerCpuNs { get; set; }
    public long ClientCpuNs { get; set; }

    public void Handshake()
    {
        long t0 = Timed ? CpuClock.ThreadNow() : 0;
        Server = new TlsServerProtocol();
        Server.Accept(new Server13(this));
        long t1 = Timed ? CpuClock.ThreadNow() : 0;
        Client = new TlsClientProtocol();
        Client.Connect(new Client13(this));
        if (Timed)
        {
            ServerCpuNs += t1 - t0;
            ClientCpuNs += CpuClock.ThreadNow() - t1;
        }
        Pump();
        if (Client.IsHandshaking || Server.IsHandshaking || !Client.IsConnected || !Server.IsConnected)
            throw new InvalidOperationException("the BouncyCastle handshake did not complete");
    }

    /// <summary>
    /// The same peers in blocking mode over two real transports (a socket pair): the server handshakes on its own
    /// thread. Returns the application-data streams of both sides.
    /// </summary>
    public (Stream Server, Stream Client) ConnectBlocking(Stream serverTransport, Stream clientTransport)
    {
        var server = new TlsServerProtocol(serverTransport);
        var accepted = Task.Run(() => server.Accept(new Server13(this)));
        var client = new TlsClientProtocol(clientTransport);
        client.Connect(new Client13(this));
        accepted.GetAwaiter().GetResult();
        return (server.Stream, client.Stream);
    }

    /// <summary>Moves ciphertext between the two sides until neither has anything to send.</summary>
    public void Pump()
    {
        for (int round = 0; round < 64; round++)
        {
            bool moved = Move(Client, Server, toServer: true);
            moved |= Move(Server, Client, toServer: false);
            if (!moved) return;
        }
    }

    private bool Move(TlsProtocol from, TlsProtocol to, bool toServer)
    {
        int n = from.GetAvailableOutputBytes();
        if (n == 0) return false;
        long t = Timed ? CpuClock.ThreadNow() : 0;
        while (n > 0)
        {
            int chunk = from.ReadOutput(_buffer, 0, Math.Min(n, _buffer.Length));
            to.OfferInput(_buffer, 0, chunk);
            n -= chunk;
        }
        if (Timed)
        {
            // ReadOutput is a copy; OfferInput does the receiving side's work.
            if (toServer) ServerCpuNs += CpuClock.ThreadNow() - t;
            else ClientCpuNs += CpuClock.ThreadNow() - t;
        }
        return true;
    }

    public void Close()
    {
        Client.Close();
        Server.Close();
    }

    internal Certificate Chain(BcX509Certificate leaf, byte[] context) =>
        new(context, [new CertificateEntry(Crypto.CreateCertificate(leaf.GetEncoded()), null)]);

    /// <summary>The peer leaf must be signed by the CA and within its validity period.</summary>
    internal void VerifyPeer(Certificate chain)
    {
        if (chain is null || chain.IsEmpty)
            throw new TlsFatalAlert(AlertDescription.certificate_required);
        var leaf = new BcX509Certificate(chain.GetCertificateAt(0).GetEncoded());
        try
        {
            leaf.Verify(CaKey);
            leaf.CheckValidity();
        }
        catch (Exception e) when (e is InvalidKeyException or SignatureException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
    }

    private static readonly SignatureAndHashAlgorithm EcdsaP256 = new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private sealed class Server13(BouncyCastleLink link) : DefaultTlsServer(link.Crypto)
    {
        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.Only();
        protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_AES_128_GCM_SHA256];
        public override int[] GetSupportedGroups() => [NamedGroup.x25519];

        public override TlsCredentials GetCredentials() =>
            new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), link.Crypto, link.Pki.BcServerKey,
                link.Chain(link.Pki.BcServer, TlsUtilities.EmptyBytes), EcdsaP256);

        public override CertificateRequest GetCertificateRequest() =>
            new(TlsUtilities.EmptyBytes, new List<SignatureAndHashAlgorithm> { EcdsaP256 }, null, null);

        public override void NotifyClientCertificate(Certificate clientCertificate) => link.VerifyPeer(clientCertificate);
    }

    private sealed class Client13(BouncyCastleLink link) : DefaultTlsClient(link.Crypto)
    {
        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.Only();
        protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_AES_128_GCM_SHA256];
        protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => new List<int> { NamedGroup.x25519 };
        public override IList<int> GetEarlyKeyShareGroups() => new List<int> { NamedGroup.x25519 };
        protected override IList<SignatureAndHashAlgorithm> GetSupportedSignatureAlgorithms() => new List<SignatureAndHashAlgorithm> { EcdsaP256 };

        protected override IList<ServerName> GetSniServerNames() =>
            new List<ServerName> { new(NameType.host_name, System.Text.Encoding.ASCII.GetBytes(BenchPki.ServerName)) };

        public override TlsAuthentication GetAuthentication() => new Authentication(this);

        private sealed class Authentication(Client13 client) : TlsAuthentication
        {
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate) => client.Link.VerifyPeer(serverCertificate.Certificate);

            public TlsCredentials GetClientCredentials(CertificateRequest request) =>
                new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.Context), client.Link.Crypto, client.Link.Pki.BcClientKey,
                    client.Link.Chain(client.Link.Pki.BcClient, request.GetCertificateRequestContext()), EcdsaP256);
        }

        private BouncyCastleLink Link => link;
        private TlsClientContext Context => m_context;
    }
}
