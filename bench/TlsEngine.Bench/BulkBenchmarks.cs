using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using TlsEngine.Bench.Support;

namespace TlsEngine.Bench;

/// <summary>
/// Moving one application-data record of <see cref="Size"/> bytes from client to server on an established connection,
/// in memory: the client seals it, the server opens it. One operation = one record sealed and opened (TLS_AES_128_GCM_SHA256
/// for all three), so throughput = Size / mean; allocation per operation is allocation per record. The raw AesGcm
/// case does the same AEAD work (encrypt + decrypt of Size bytes, 16-byte tag, 5-byte associated data) with no TLS.
/// </summary>
[MemoryDiagnoser]
public class BulkBenchmarks
{
    [Params(1024, 16384)]
    public int Size { get; set; }

    private byte[] _data = [];
    private byte[] _buffer = [];
    private readonly EngineLink _ours = new();
    private SslStreamLink _ssl = null!;
    private BouncyCastleLink _bc = null!;
    private AesGcm _gcm = null!;
    private byte[] _ciphertext = [];
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _aad = [23, 3, 3, 0, 0];

    [GlobalSetup]
    public void Setup()
    {
        var pki = BenchPki.Shared;
        _data = new byte[Size];
        RandomNumberGenerator.Fill(_data);
        _buffer = new byte[Size + 1024];
        _ours.Handshake(EngineLink.ClientOptions(pki, chainCache: false), EngineLink.ServerOptions(pki, chainCache: false));
        _ssl = new SslStreamLink();
        _ssl.Handshake(SslStreamLink.ServerOptions(pki), SslStreamLink.ClientOptions(pki));
        _ssl.DrainToClient();
        _bc = new BouncyCastleLink(pki);
        _bc.Handshake();
        _gcm = new AesGcm(RandomNumberGenerator.GetBytes(16), 16);
        _ciphertext = new byte[Size];
        for (int i = 0; i < 3; i++)
        {
            Ours();
            SslStream();
            BouncyCastle();
            AesGcmRaw();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours.Dispose();
        _ssl.Close();
        _bc.Close();
        _gcm.Dispose();
    }

    /// <summary>Ours: <c>Encrypt</c> on the client into the wire, <c>Process</c> on the server into a plaintext sink.</summary>
    [Benchmark]
    public int Ours()
    {
        _ours.Client.Encrypt(_data, _ours.ToServer);
        _ours.Server.Process(_ours.ToServer.Pending, _ours.ToClient, _ours.ServerPlain, out int consumed);
        _ours.ToServer.Consume(consumed);
        int n = _ours.ServerPlain.Length;
        _ours.ServerPlain.Clear();
        if (n != Size) throw new InvalidOperationException($"received {n} of {Size} bytes");
        return n;
    }

    /// <summary>SslStream: <c>Write</c> on the client, <c>Read</c> on the server until the record is in.</summary>
    [Benchmark]
    public int SslStream()
    {
        _ssl.Client.Write(_data, 0, Size);
        int total = 0;
        while (total < Size)
            total += _ssl.Server.Read(_buffer, total, _buffer.Length - total);
        return total;
    }

    /// <summary>BouncyCastle: <c>WriteApplicationData</c>, ciphertext moved with ReadOutput/OfferInput, <c>ReadInput</c>.</summary>
    [Benchmark]
    public int BouncyCastle()
    {
        _bc.Client.WriteApplicationData(_data, 0, Size);
        _bc.Pump();
        int total = 0;
        while (total < Size)
        {
            int n = _bc.Server.ReadInput(_buffer, total, _buffer.Length - total);
            if (n <= 0) throw new InvalidOperationException("BouncyCastle delivered less than was written");
            total += n;
        }
        return total;
    }

    /// <summary>The AEAD alone: AesGcm.Encrypt and Decrypt of the same bytes (the ceiling for the three above).</summary>
    [Benchmark(Baseline = true)]
    public int AesGcmRaw()
    {
        _nonce[11]++;
        _gcm.Encrypt(_nonce, _data, _ciphertext, _tag, _aad);
        _gcm.Decrypt(_nonce, _ciphertext, _tag, _buffer.AsSpan(0, Size), _aad);
        return Size;
    }
}
