using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

public class KeyShareTests
{
    [Theory]
    [InlineData(NamedGroup.X25519, 32)]
    [InlineData(NamedGroup.Secp256r1, 65)]
    [InlineData(NamedGroup.Secp384r1, 97)]
    public void BothSidesDeriveTheSameSecret(NamedGroup group, int shareLength)
    {
        using var a = CryptoProvider.Default.GenerateKeyShare(group);
        using var b = CryptoProvider.Default.GenerateKeyShare(group);
        Assert.Equal(shareLength, a.PublicKey.Length);
        Assert.Equal(NamedGroups.KeyShareLength(group), a.PublicKey.Length);
        var s1 = a.DeriveSharedSecret(b.PublicKey);
        var s2 = b.DeriveSharedSecret(a.PublicKey);
        Assert.Equal(s1, s2);
        Assert.Equal(group == NamedGroup.Secp384r1 ? 48 : 32, s1.Length);
    }

    [Fact]
    public void X25519MatchesRfc7748Section62()
    {
        // RFC 7748 §6.1: Alice's and Bob's private keys, Bob's public key and the shared secret K.
        var alice = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bobPublic = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        using var share = CryptoProvider.X25519FromPrivateKey(alice);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(share.PublicKey));
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Convert.ToHexStringLower(share.DeriveSharedSecret(bobPublic)));
    }

    [Fact]
    public void X25519LowOrderPointIsRefused()
    {
        using var share = CryptoProvider.Default.GenerateKeyShare(NamedGroup.X25519);
        Assert.ThrowsAny<CryptographicException>(() => share.DeriveSharedSecret(new byte[32]));
    }

    [Theory]
    [InlineData(NamedGroup.Secp256r1)]
    [InlineData(NamedGroup.Secp384r1)]
    public void EcdhPointNotOnTheCurveIsRefused(NamedGroup group)
    {
        using var share = CryptoProvider.Default.GenerateKeyShare(group);
        var bad = share.PublicKey.ToArray();
        bad[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => share.DeriveSharedSecret(bad));
    }

    [Fact]
    public void CompressedEcdhPointIsRefused()
    {
        using var share = CryptoProvider.Default.GenerateKeyShare(NamedGroup.Secp256r1);
        var compressed = new byte[33];
        compressed[0] = 2;
        share.PublicKey.Slice(1, 32).CopyTo(compressed.AsSpan(1));
        Assert.ThrowsAny<CryptographicException>(() => share.DeriveSharedSecret(compressed));
    }
}

public class X25519BackendTests
{
    [Fact]
    public void LibCryptoIsUsedOnLinuxAndAgreesWithTheManagedImplementation()
    {
        if (OperatingSystem.IsLinux())
            Assert.True(LibCryptoX25519.IsAvailable, "libcrypto.so.3 should be loadable where the BCL runs on OpenSSL 3");
        var rng = new Random(5);
        for (int i = 0; i < 50; i++)
        {
            var a = new byte[32];
            var b = new byte[32];
            rng.NextBytes(a);
            rng.NextBytes(b);
            using var nativeA = new X25519KeyShare(a, useLibCrypto: true);
            using var managedA = new X25519KeyShare(a, useLibCrypto: false);
            using var managedB = new X25519KeyShare(b, useLibCrypto: false);
            Assert.Equal(managedA.PublicKey.ToArray(), nativeA.PublicKey.ToArray());
            Assert.Equal(managedA.DeriveSharedSecret(managedB.PublicKey), nativeA.DeriveSharedSecret(managedB.PublicKey));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SmallOrderPointsAreRefusedByBothBackends(bool native)
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var share = new X25519KeyShare(key, useLibCrypto: native);
        // RFC 7748 §6.1 points of small order: 0 and 1 give an all-zero shared secret.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => share.DeriveSharedSecret(new byte[32]));
        var one = new byte[32];
        one[0] = 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => share.DeriveSharedSecret(one));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AShareDerivesAgainAfterARefusedPeerAndForSeveralPeers(bool native)
    {
        // The libcrypto backend keeps one derivation context per share; a refused peer must not spoil it, and each
        // peer must give its own secret.
        var key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();
        using var share = new X25519KeyShare(key, useLibCrypto: native);
        using var reference = new X25519KeyShare(key, useLibCrypto: false);
        using var peer1 = new X25519KeyShare(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray(), useLibCrypto: false);
        using var peer2 = new X25519KeyShare(Enumerable.Range(90, 32).Select(i => (byte)i).ToArray(), useLibCrypto: false);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => share.DeriveSharedSecret(new byte[32]));
        Assert.Equal(reference.DeriveSharedSecret(peer1.PublicKey), share.DeriveSharedSecret(peer1.PublicKey));
        Assert.Equal(reference.DeriveSharedSecret(peer2.PublicKey), share.DeriveSharedSecret(peer2.PublicKey));
        Assert.NotEqual(share.DeriveSharedSecret(peer1.PublicKey), share.DeriveSharedSecret(peer2.PublicKey));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => share.DeriveSharedSecret(new byte[31]));
    }

    [Fact]
    public void SharesTakingTurnsOnOneThreadEachDeriveWithTheirOwnPeer()
    {
        // The libcrypto backend passes every peer through one key per thread whose bytes it replaces: a share that
        // derived with one peer must not see the next share's peer.
        var rng = new Random(11);
        byte[] Key()
        {
            var k = new byte[32];
            rng.NextBytes(k);
            return k;
        }
        byte[] a = Key(), b = Key(), p = Key(), q = Key();
        using var shareA = new X25519KeyShare(a, useLibCrypto: true);
        using var shareB = new X25519KeyShare(b, useLibCrypto: true);
        using var referenceA = new X25519KeyShare(a, useLibCrypto: false);
        using var referenceB = new X25519KeyShare(b, useLibCrypto: false);
        using var peerP = new X25519KeyShare(p, useLibCrypto: false);
        using var peerQ = new X25519KeyShare(q, useLibCrypto: false);
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(referenceA.DeriveSharedSecret(peerP.PublicKey), shareA.DeriveSharedSecret(peerP.PublicKey));
            Assert.Equal(referenceB.DeriveSharedSecret(peerQ.PublicKey), shareB.DeriveSharedSecret(peerQ.PublicKey));
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => shareB.DeriveSharedSecret(new byte[32]));
            Assert.Equal(referenceA.DeriveSharedSecret(peerQ.PublicKey), shareA.DeriveSharedSecret(peerQ.PublicKey));
        }
        // And on another thread, whose peer key is its own.
        byte[]? other = null;
        var thread = new Thread(() => other = shareA.DeriveSharedSecret(peerP.PublicKey));
        thread.Start();
        thread.Join();
        Assert.Equal(referenceA.DeriveSharedSecret(peerP.PublicKey), other);
    }

    [Fact]
    public void SharesMadeOnManyThreadsAtOnceAgreeWithTheManagedImplementation()
    {
        // The libcrypto backend imports keys through one context per thread: threads running at once must not share
        // one, and a thread's context must serve its later keys (private halves and peers alike).
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var rng = new Random(1000 + t);
            for (int i = 0; i < 40; i++)
            {
                try
                {
                    var a = new byte[32];
                    var b = new byte[32];
                    rng.NextBytes(a);
                    rng.NextBytes(b);
                    using var nativeA = new X25519KeyShare(a, useLibCrypto: true);
                    using var managedA = new X25519KeyShare(a, useLibCrypto: false);
                    using var managedB = new X25519KeyShare(b, useLibCrypto: false);
                    if (!nativeA.PublicKey.SequenceEqual(managedA.PublicKey)) failures.Add($"thread {t}, key {i}: public key differs");
                    if (!nativeA.DeriveSharedSecret(managedB.PublicKey).AsSpan().SequenceEqual(managedA.DeriveSharedSecret(managedB.PublicKey)))
                        failures.Add($"thread {t}, key {i}: shared secret differs");
                }
                catch (System.Security.Cryptography.CryptographicException e)
                {
                    failures.Add($"thread {t}, key {i}: {e.Message}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }
}
