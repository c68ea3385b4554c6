using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace TlsEngine.Bench.Support;

/// <summary>One end of an in-memory duplex transport: reads from one pipe, writes to the other.</summary>
internal sealed class PipeStream(PipeReader reader, PipeWriter writer) : Stream
{
    /// <summary>Bytes written through this end (for checking what a handshake sent, e.g. whether it resumed).</summary>
    public long BytesWritten { get; set; }

    /// <summary>Length of the first write (a server's first flight).</summary>
    public int FirstWriteLength { get; private set; }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var result = await reader.ReadAsync(ct).ConfigureAwait(false);
        var data = result.Buffer;
        if (data.IsEmpty && result.IsCompleted)
        {
            reader.AdvanceTo(data.End);
            return 0;
        }
        int n = (int)Math.Min(data.Length, buffer.Length);
        data.Slice(0, n).CopyTo(buffer.Span);
        reader.AdvanceTo(data.GetPosition(n));
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var pending = ReadAsync(buffer.AsMemory(offset, count));
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (BytesWritten == 0) FirstWriteLength = buffer.Length;
        BytesWritten += buffer.Length;
        await writer.WriteAsync(buffer, ct).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (BytesWritten == 0) FirstWriteLength = count;
        BytesWritten += count;
        var pending = writer.WriteAsync(buffer.AsMemory(offset, count));
        if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>
/// Two SslStreams (server and client) over an in-memory duplex transport made of two pipes with inline schedulers and
/// no back-pressure, so a handshake runs on the calling thread as a sans-IO pump would.
/// </summary>
internal sealed class SslStreamLink
{
    private static readonly PipeOptions Inline = new(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);

    private readonly Pipe _toServer = new(Inline);
    private readonly Pipe _toClient = new(Inline);

    public SslStream Server { get; private set; } = null!;
    public SslStream Client { get; private set; } = null!;
    public PipeStream ServerTransport { get; private set; } = null!;

    /// <summary>Bytes of the server's first flight in the last handshake (a resumed one carries no Certificate).</summary>
    public int ServerFirstFlight => ServerTransport.FirstWriteLength;

    /// <summary>Handshakes a new pair of SslStreams over fresh (reset) pipes.</summary>
    public void Handshake(SslServerAuthenticationOptions server, SslClientAuthenticationOptions client)
    {
        ServerTransport = new PipeStream(_toServer.Reader, _toClient.Writer);
        Server = new SslStream(ServerTransport, leaveInnerStreamOpen: true);
        Client = new SslStream(new PipeStream(_toClient.Reader, _toServer.Writer), leaveInnerStreamOpen: true);
        var s = Server.AuthenticateAsServerAsync(server);
        var c = Client.AuthenticateAsClientAsync(client);
        if (!s.IsCompletedSuccessfully || !c.IsCompletedSuccessfully)
            Task.WhenAll(s, c).GetAwaiter().GetResult();
    }

    /// <summary>Bytes waiting to be read by the client (NewSessionTicket messages the server sent after the handshake).</summary>
    public void DrainToClient()
    {
        if (_toClient.Reader.TryRead(out var r)) _toClient.Reader.AdvanceTo(r.Buffer.End);
    }

    /// <summary>
    /// Lets the client read what the server sent after the handshake (OpenSSL processes NewSessionTicket on read) by
    /// sending one byte, then shuts both down with close_notify: OpenSSL drops a session from its cache when the
    /// connection is freed without a shutdown, so a resumable session needs this.
    /// </summary>
    public void ExchangeTicketsAndShutdown(byte[] scratch)
    {
        Server.Write(scratch, 0, 1);
        Client.ReadExactly(scratch, 0, 1);
        Client.ShutdownAsync().GetAwaiter().GetResult();
        Server.ShutdownAsync().GetAwaiter().GetResult();
    }

    public void Close()
    {
        Server.Dispose();
        Client.Dispose();
        _toServer.Reader.Complete();
        _toServer.Writer.Complete();
        _toClient.Reader.Complete();
        _toClient.Writer.Complete();
        _toServer.Reset();
        _toClient.Reset();
    }

    /// <summary>The same profile as ours: TLS 1.3 only, TLS_AES_128_GCM_SHA256, client certificate required, peer chains built to the test CA only.</summary>
    /// <remarks>
    /// With a CipherSuitesPolicy (<paramref name="aes128Only"/>) SslStream does not resume TLS 1.3 sessions on Linux
    /// (measured: the client offers its ticket, the server's stateful ticket is unknown to the next connection's
    /// context); without one it resumes, but OpenSSL then prefers TLS_AES_256_GCM_SHA384.
    /// </remarks>
    public static SslServerAuthenticationOptions ServerOptions(BenchPki pki, bool aes128Only = true) => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(pki.ServerCertificate, additionalCertificates: null, offline: true),
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CipherSuitesPolicy = aes128Only ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256]) : null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = ChainPolicy(pki, "1.3.6.1.5.5.7.3.2"),
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is not null && errors == SslPolicyErrors.None,
    };

    public static SslClientAuthenticationOptions ClientOptions(BenchPki pki, bool aes128Only = true) => new()
    {
        TargetHost = BenchPki.ServerName,
        ClientCertificateContext = SslStreamCertificateContext.Create(pki.ClientCertificate, additionalCertificates: null, offline: true),
        EnabledSslProtocols = SslProtocols.Tls13,
        CipherSuitesPolicy = aes128Only ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256]) : null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = ChainPolicy(pki, "1.3.6.1.5.5.7.3.1"),
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is not null && errors == SslPolicyErrors.None,
    };

    /// <summary>X509Chain with CustomRootTrust (the test CA only), no revocation, no downloads, the expected EKU.</summary>
    private static X509ChainPolicy ChainPolicy(BenchPki pki, string eku)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(pki.CaCertificate);
        policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(eku));
        return policy;
    }
}
