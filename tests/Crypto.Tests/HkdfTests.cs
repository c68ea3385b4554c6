using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

/// <summary>HKDF (RFC 5869) and the HMAC under it, against the RFC's test vectors and the BCL.</summary>
public class HkdfTests
{
    [Theory]
    // RFC 5869 Appendix A.1 (basic) and A.3 (zero-length salt and info), SHA-256.
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9",
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")]
    public void Rfc5869TestVectors(string ikm, string salt, string info, string prk, string okm)
    {
        var p = new byte[32];
        Hkdf.Extract(HashAlgorithmName.SHA256, Convert.FromHexString(ikm), Convert.FromHexString(salt), p);
        Assert.Equal(prk, Convert.ToHexStringLower(p));
        var o = new byte[okm.Length / 2];
        Hkdf.Expand(HashAlgorithmName.SHA256, p, o, Convert.FromHexString(info));
        Assert.Equal(okm, Convert.ToHexStringLower(o));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the hashing underneath on the BCL, as on a machine without libcrypto
    public void AgreesWithTheBclForEveryHashKeyLengthAndOutputLength(bool bclHashes)
    {
        using var hashing = BclHashes.Use(bclHashes);
        AgreesWithTheBcl();
    }

    private static void AgreesWithTheBcl()
    {
        var random = new Random(5869);
        foreach (var hash in new[] { HashAlgorithmName.SHA256, HashAlgorithmName.SHA384, HashAlgorithmName.SHA512 })
        {
            int length = hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;
            foreach (int keyLength in new[] { 0, 1, length, 64, 127, 128, 129, 300 })
            {
                var key = new byte[keyLength];
                var data = new byte[random.Next(0, 300)];
                random.NextBytes(key);
                random.NextBytes(data);
                var mac = new byte[length];
                Hkdf.HmacData(hash, key, data, mac);
                Assert.Equal(Convert.ToHexString(HMAC(hash, key, data)), Convert.ToHexString(mac));

                var salt = key;
                var prk = new byte[length];
                Hkdf.Extract(hash, data, salt, prk);
                Assert.Equal(Convert.ToHexString(HKDF.Extract(hash, data, salt)), Convert.ToHexString(prk));
            }
            var secret = RandomNumberGenerator.GetBytes(length);
            foreach (int outputLength in new[] { 1, 12, 16, length - 1, length, length + 1, 2 * length + 5, 255 * length })
            {
                var info = new byte[random.Next(0, 80)];
                random.NextBytes(info);
                var ours = new byte[outputLength];
                Hkdf.Expand(hash, secret, ours, info);
                Assert.Equal(Convert.ToHexString(HKDF.Expand(hash, secret, outputLength, info)), Convert.ToHexString(ours));
            }
            Assert.Throws<ArgumentException>(() => Hkdf.Expand(hash, secret, new byte[255 * length + 1], []));
        }
    }

    [Fact]
    public void ConcurrentThreadsEachUseTheirOwnContext()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var data = RandomNumberGenerator.GetBytes(100);
        var expected = HMACSHA256.HashData(key, data);
        Parallel.For(0, 4, _ =>
        {
            var mac = new byte[32];
            for (int i = 0; i < 2000; i++)
            {
                Hkdf.HmacData(HashAlgorithmName.SHA256, key, data, mac);
                Assert.Equal(expected, mac);
            }
        });
    }

    private static byte[] HMAC(HashAlgorithmName hash, byte[] key, byte[] data) =>
        hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data)
        : hash == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, data)
        : HMACSHA512.HashData(key, data);
}
