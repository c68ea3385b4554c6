using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

/// <summary>A keyed HMAC used for several MACs gives each the same result as the BCL's HMAC with that key.</summary>
public class HmacKeyTests
{
    private static byte[] Reference(HashAlgorithmName hash, byte[] key, byte[] data) =>
        hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data)
        : hash == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, data) : HMACSHA512.HashData(key, data);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the hashing underneath on the BCL, as on a machine without libcrypto
    public void OneKeyServesManyMacsOnBothHashBackends(bool bclHashes)
    {
        using var hashing = BclHashes.Use(bclHashes);
        var random = new Random(2104);
        foreach (var hash in new[] { HashAlgorithmName.SHA256, HashAlgorithmName.SHA384, HashAlgorithmName.SHA512 })
        {
            // Empty, short, block-sized and longer-than-a-block keys (hashed first, RFC 2104 §2).
            foreach (int keyLength in new[] { 0, 20, 64, 128, 129, 300 })
            {
                var key = new byte[keyLength];
                random.NextBytes(key);
                var keyed = new HmacKey();
                keyed.Init(hash, key);
                Assert.Equal(Hmac.HashLength(hash), keyed.Length);
                foreach (int dataLength in new[] { 0, 1, 55, 64, 200, 1000 })
                {
                    var data = new byte[dataLength];
                    random.NextBytes(data);
                    int cut = dataLength / 3;
                    var mac = new byte[64];
                    keyed.Compute(data.AsSpan(0, cut), data.AsSpan(cut, cut), data.AsSpan(2 * cut), mac);
                    Assert.Equal(Reference(hash, key, data), mac[..keyed.Length]);
                    var oneShot = new byte[64];
                    Hmac.Compute(hash, key, data, oneShot);
                    Assert.Equal(mac, oneShot);
                }
                keyed.Dispose();
                Assert.False(keyed.IsSet);
                Assert.Throws<InvalidOperationException>(() => keyed.Compute([], [], [], new byte[64]));
            }
        }
    }

    [Fact]
    public void KeyingAgainReplacesTheKey()
    {
        var keyed = new HmacKey();
        keyed.Init(HashAlgorithmName.SHA256, "first"u8);
        keyed.Init(HashAlgorithmName.SHA384, "second"u8);
        var mac = new byte[48];
        keyed.Compute("data"u8, [], [], mac);
        Assert.Equal(HMACSHA384.HashData("second"u8, "data"u8), mac);
        Assert.Throws<ArgumentException>(() => keyed.Compute("data"u8, [], [], new byte[32]));
        keyed.Dispose();
    }

    [Fact]
    public void ExpandWithAKeyedPrkMatchesExpandWithTheBytes()
    {
        var prk = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var keyed = new HmacKey();
        keyed.Init(HashAlgorithmName.SHA256, prk);
        foreach (int length in new[] { 12, 16, 32, 33, 100 })
        {
            var viaKey = new byte[length];
            var viaBytes = new byte[length];
            Hkdf.Expand(in keyed, viaKey, "info"u8);
            Hkdf.Expand(HashAlgorithmName.SHA256, prk, viaBytes, "info"u8);
            Assert.Equal(viaBytes, viaKey);
            Assert.Equal(HKDF.Expand(HashAlgorithmName.SHA256, prk, length, "info"u8.ToArray()), viaKey);
        }
        keyed.Dispose();
    }
}
