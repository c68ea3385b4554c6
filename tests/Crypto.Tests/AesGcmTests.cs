using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

/// <summary>The AES-GCM AEAD under record protection and session tickets, on libcrypto, against a published vector and the BCL.</summary>
public class AesGcmTests
{
    [Fact]
    public void LibCryptoIsUsedOnLinux()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(LibCryptoAesGcm.IsAvailable);
        using var aead = Aead.Create(CipherSuite.TLS_AES_128_GCM_SHA256, new byte[16]);
        Assert.IsType<LibCryptoAesGcmAead>(aead);
    }

    [Fact]
    public void KnownVector()
    {
        // The GCM specification's test case 2 (McGrew and Viega): zero key, zero IV, one zero block.
        using var aead = Aead.CreateAesGcm(new byte[16]);
        var ciphertext = new byte[16];
        var tag = new byte[16];
        aead.Seal(new byte[12], new byte[16], ciphertext, tag, []);
        Assert.Equal("0388dace60b6a392f328c2b971b2fe78", Convert.ToHexStringLower(ciphertext));
        Assert.Equal("ab6e47d42cec13bdf53a67b21257bddf", Convert.ToHexStringLower(tag));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void AgreesWithTheBclAndRejectsEveryTamperedPart(int keyLength)
    {
        var random = new Random(keyLength);
        var key = new byte[keyLength];
        random.NextBytes(key);
        using var ours = Aead.CreateAesGcm(key);
        using var bcl = new AesGcm(key, 16);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 100, 1000, 16385 })
        {
            var nonce = new byte[12];
            var aad = new byte[length % 2 == 0 ? 5 : 0];
            var plaintext = new byte[length];
            random.NextBytes(nonce);
            random.NextBytes(aad);
            random.NextBytes(plaintext);
            var expected = new byte[length];
            var expectedTag = new byte[16];
            bcl.Encrypt(nonce, plaintext, expected, expectedTag, aad);

            // In place, as the record layer seals.
            var buffer = (byte[])plaintext.Clone();
            var tag = new byte[16];
            ours.Seal(nonce, buffer, buffer, tag, aad);
            Assert.Equal(expected, buffer);
            Assert.Equal(expectedTag, tag);

            var opened = new byte[length];
            Assert.True(ours.Open(nonce, buffer, tag, opened, aad));
            Assert.Equal(plaintext, opened);

            var badTag = (byte[])tag.Clone();
            badTag[15] ^= 0x80;
            AssertRejected(ours, nonce, buffer, badTag, aad);
            if (length > 0)
            {
                var badCiphertext = (byte[])buffer.Clone();
                badCiphertext[length / 2] ^= 1;
                AssertRejected(ours, nonce, badCiphertext, tag, aad);
            }
            var badAad = aad.Length > 0 ? (byte[])aad.Clone() : [0];
            badAad[0] ^= 1;
            AssertRejected(ours, nonce, buffer, tag, badAad);
            var badNonce = (byte[])nonce.Clone();
            badNonce[0] ^= 1;
            AssertRejected(ours, badNonce, buffer, tag, aad);

            // The context is reusable after a failure.
            Assert.True(ours.Open(nonce, buffer, tag, opened, aad));
        }
    }

    private static void AssertRejected(Aead aead, byte[] nonce, byte[] ciphertext, byte[] tag, byte[] aad)
    {
        var plaintext = new byte[ciphertext.Length];
        plaintext.AsSpan().Fill(0x5A);
        Assert.False(aead.Open(nonce, ciphertext, tag, plaintext, aad));
        // Nothing unauthenticated is left behind.
        Assert.True(plaintext.AsSpan().IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void MisuseIsRefused()
    {
        using var aead = Aead.CreateAesGcm(new byte[16]);
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => aead.Seal(new byte[8], buffer.AsSpan(0, 16), buffer.AsSpan(16, 16), new byte[16], []));
        Assert.Throws<ArgumentException>(() => aead.Seal(new byte[12], buffer.AsSpan(0, 16), buffer.AsSpan(16, 8), new byte[16], []));
        Assert.Throws<ArgumentException>(() => aead.Seal(new byte[12], buffer.AsSpan(0, 16), buffer.AsSpan(16, 16), new byte[12], []));
        // Partially overlapping input and output would read bytes already written.
        Assert.Throws<ArgumentException>(() => aead.Seal(new byte[12], buffer.AsSpan(0, 32), buffer.AsSpan(5, 32), new byte[16], []));
        Assert.Throws<CryptographicException>(() => Aead.CreateAesGcm(new byte[24 + 1]));
    }
}
