namespace TlsEngine.Crypto.Tests;

/// <summary>
/// Sealing a plaintext given as a head from elsewhere plus a tail already in the output (a record's content, then its
/// content type and padding written in place, RFC 8446 §5.2) gives exactly what sealing the joined plaintext gives.
/// </summary>
public class AeadSealWithHeadTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var kind in new[] { "libcrypto-128", "libcrypto-256", "bcl-128", "chacha" })
            foreach (var (head, tail) in new[] { (0, 1), (1, 1), (15, 2), (16, 1), (17, 16), (100, 300), (16384, 1), (16383, 258) })
                data.Add(kind, head, tail);
        return data;
    }

    private static Aead Create(string kind, byte[] key) => kind switch
    {
        "libcrypto-128" or "libcrypto-256" => new LibCryptoAesGcmAead(key),
        "bcl-128" => new AesGcmAead(key),
        _ => new ChaCha20Poly1305Aead(key),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SealWithHeadEqualsSealingTheJoinedPlaintext(string kind, int headLength, int tailLength)
    {
        Assert.True(LibCryptoAesGcm.IsAvailable, "libcrypto AES-GCM is expected on this platform");
        var random = new Random(headLength * 1000 + tailLength);
        var key = new byte[kind.EndsWith("128") ? 16 : 32];
        random.NextBytes(key);
        var nonce = new byte[12];
        random.NextBytes(nonce);
        byte[] aad = [23, 3, 3, 0, (byte)(headLength + tailLength)];
        var joined = new byte[headLength + tailLength];
        random.NextBytes(joined);
        var head = joined[..headLength];

        using var aead = Create(kind, key);
        byte[] expected = new byte[joined.Length], expectedTag = new byte[16];
        aead.Seal(nonce, joined, expected, expectedTag, aad);

        var output = new byte[joined.Length];
        joined.AsSpan(headLength).CopyTo(output.AsSpan(headLength)); // the tail is already in place
        var tag = new byte[16];
        aead.SealWithHead(nonce, head, output, tag, aad);
        Assert.Equal(expected, output);
        Assert.Equal(expectedTag, tag);

        var opened = new byte[joined.Length];
        Assert.True(aead.Open(nonce, output, tag, opened, aad));
        Assert.Equal(joined, opened);
    }
}
