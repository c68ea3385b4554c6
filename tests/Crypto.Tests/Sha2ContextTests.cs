using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

/// <summary>The SHA-2 context under the transcript hash and HMAC, on libcrypto and on the BCL fallback, against the BCL's one-shot hashes.</summary>
public class Sha2ContextTests
{
    private static readonly HashAlgorithmName[] Hashes = [HashAlgorithmName.SHA256, HashAlgorithmName.SHA384, HashAlgorithmName.SHA512];

    private static byte[] Expected(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data) : SHA512.HashData(data);

    [Fact]
    public void LibCryptoIsUsedOnLinux()
    {
        if (OperatingSystem.IsLinux()) Assert.True(LibCryptoSha2.IsAvailable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DigestsInPiecesMatchTheBclAcrossBlockBoundaries(bool bcl)
    {
        using var hashing = BclHashes.Use(bcl);
        var random = new Random(180);
        foreach (var hash in Hashes)
        {
            foreach (int length in new[] { 0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000 })
            {
                var data = new byte[length];
                random.NextBytes(data);
                var context = new Sha2Context();
                context.Start(hash);
                int cut = length == 0 ? 0 : random.Next(length);
                context.Append(data.AsSpan(0, cut));
                context.Append(data.AsSpan(cut));
                var digest = new byte[64];
                int n = context.Finish(digest);
                Assert.Equal(Expected(hash, data), digest[..n]);
                context.Dispose();

                var oneShot = new byte[64];
                Assert.Equal(n, Sha2Context.HashData(hash, data, oneShot));
                Assert.Equal(digest, oneShot);
            }
        }
    }

    [Fact]
    public void InputsEitherSideOfTheShortCallLimitHashAlike()
    {
        // Short inputs go through the entry points declared without the GC transition, longer ones through the others.
        int limit = LibCryptoSha2.ShortInput;
        var random = new Random(6234);
        foreach (var hash in Hashes)
        {
            foreach (int[] pieces in new[] { new[] { limit - 1 }, new[] { limit }, new[] { limit + 1 }, new[] { 3, limit, limit + 1, 5000, 64 } })
            {
                var data = new byte[pieces.Sum()];
                random.NextBytes(data);
                var context = new Sha2Context();
                context.Start(hash);
                int at = 0;
                foreach (int piece in pieces)
                {
                    context.Append(data.AsSpan(at, piece));
                    at += piece;
                }
                var digest = new byte[64];
                int n = context.Finish(digest);
                Assert.Equal(Expected(hash, data), digest[..n]);
                context.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PeekingAndForkingLeaveTheRunningHashUntouched(bool bcl)
    {
        using var hashing = BclHashes.Use(bcl);
        foreach (var hash in Hashes)
        {
            var first = new byte[150];
            var extra = new byte[70];
            var second = new byte[30];
            new Random(8446).NextBytes(first);
            extra.AsSpan().Fill(0xAB);
            second.AsSpan().Fill(0xCD);
            var context = new Sha2Context();
            context.Start(hash);
            context.Append(first);
            var peek = new byte[64];
            int n = context.PeekHash(peek);
            Assert.Equal(Expected(hash, first), peek[..n]);
            var fork = context.Fork();
            fork.Append(extra);
            fork.Finish(peek);
            fork.Dispose();
            Assert.Equal(Expected(hash, [.. first, .. extra]), peek[..n]);
            context.Append(second);
            var final = new byte[64];
            context.Finish(final);
            Assert.Equal(Expected(hash, [.. first, .. second]), final[..n]);

            // Restarting forgets what was appended before.
            context.Start(hash);
            context.Append(second);
            context.Finish(final);
            Assert.Equal(Expected(hash, second), final[..n]);
            context.Dispose();
        }
    }

    [Fact]
    public void MisuseIsRefused()
    {
        var context = new Sha2Context();
        Assert.Throws<InvalidOperationException>(() => context.Append([1]));
        Assert.Throws<CryptographicException>(() => context.Start(HashAlgorithmName.MD5));
        context.Start(HashAlgorithmName.SHA384);
        Assert.Throws<ArgumentException>(() => context.Finish(new byte[32]));
        context.Finish(new byte[48]);
        // A finished context must be started again.
        Assert.Throws<InvalidOperationException>(() => context.Append([1]));
    }
}
