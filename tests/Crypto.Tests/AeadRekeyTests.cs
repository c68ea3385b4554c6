namespace TlsEngine.Crypto.Tests;

/// <summary>An AEAD rekeyed in place (a direction's next traffic key, RFC 8446 §7.3) behaves exactly as a new one with that key.</summary>
public class AeadRekeyTests
{
    private static byte[] Key(int length, int seed)
    {
        var key = new byte[length];
        new Random(seed).NextBytes(key);
        return key;
    }

    public static TheoryData<string> Kinds => ["libcrypto-128", "libcrypto-256", "bcl-128", "bcl-256", "chacha"];

    private static Aead Create(string kind, byte[] key) => kind switch
    {
        "libcrypto-128" or "libcrypto-256" => new LibCryptoAesGcmAead(key),
        "bcl-128" or "bcl-256" => new AesGcmAead(key),
        _ => new ChaCha20Poly1305Aead(key),
    };

    private static int KeyLength(string kind) => kind.EndsWith("128") ? 16 : 32;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RekeyedAeadSealsAndOpensAsANewOneWithTheNewKey(string kind)
    {
        if (kind.StartsWith("libcrypto") && !LibCryptoAesGcm.IsAvailable) return;
        byte[] first = Key(KeyLength(kind), 1), second = Key(KeyLength(kind), 2);
        var nonce = new byte[12];
        nonce[11] = 9;
        var plaintext = new byte[100];
        new Random(3).NextBytes(plaintext);
        byte[] aad = [23, 3, 3, 0, 116];

        using var rekeyed = Create(kind, first);
        var scratch = new byte[plaintext.Length];
        rekeyed.Seal(nonce, plaintext, scratch, new byte[16], aad);
        rekeyed.Rekey(second);
        using var fresh = Create(kind, second);
        using var old = Create(kind, first);

        byte[] c1 = new byte[plaintext.Length], t1 = new byte[16], c2 = new byte[plaintext.Length], t2 = new byte[16], c3 = new byte[plaintext.Length], t3 = new byte[16];
        rekeyed.Seal(nonce, plaintext, c1, t1, aad);
        fresh.Seal(nonce, plaintext, c2, t2, aad);
        old.Seal(nonce, plaintext, c3, t3, aad);
        Assert.Equal(c2, c1);
        Assert.Equal(t2, t1);
        Assert.NotEqual(c3, c1);

        var opened = new byte[plaintext.Length];
        Assert.True(rekeyed.Open(nonce, c2, t2, opened, aad));
        Assert.Equal(plaintext, opened);
        Assert.False(rekeyed.Open(nonce, c3, t3, opened, aad));
    }

    [Fact]
    public void RekeyWithAKeyOfAnotherLengthIsRefused()
    {
        if (!LibCryptoAesGcm.IsAvailable) return;
        using var aead = new LibCryptoAesGcmAead(new byte[16]);
        Assert.Throws<ArgumentException>(() => aead.Rekey(new byte[32]));
    }
}
