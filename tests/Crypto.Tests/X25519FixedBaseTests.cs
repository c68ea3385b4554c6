using System.Numerics;
using System.Security.Cryptography;

namespace TlsEngine.Crypto.Tests;

public class X25519FixedBaseTests
{
    private static readonly BigInteger P = (BigInteger.One << 255) - 19;

    [Theory]
    // RFC 7748 §6.1: Alice's and Bob's private keys and their public keys.
    [InlineData("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")]
    [InlineData("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")]
    public void PublicKeysMatchRfc7748Section61(string privateHex, string publicHex)
    {
        var publicKey = new byte[32];
        X25519FixedBase.PublicKey(Convert.FromHexString(privateHex), publicKey);
        Assert.Equal(publicHex, Convert.ToHexStringLower(publicKey));
    }

    [Fact]
    public void MatchesTheMontgomeryLadderForRandomAndExtremeKeys()
    {
        var keys = new List<byte[]> { new byte[32], Enumerable.Repeat((byte)0xFF, 32).ToArray(), Enumerable.Repeat((byte)0x80, 32).ToArray(), Enumerable.Repeat((byte)0x7F, 32).ToArray() };
        // Keys whose 6-bit digits are all 32, 31 or 63 before the carries (the largest magnitudes either way, and a carry
        // through every digit), nibble patterns, and single bits.
        foreach (int chunk in new[] { 32, 31, 63, 33 })
        {
            BigInteger v = 0;
            for (int i = 0; i < 43; i++) v |= (BigInteger)chunk << (6 * i);
            var k = new byte[32];
            (v & ((BigInteger.One << 256) - 1)).TryWriteBytes(k, out _, isUnsigned: true);
            keys.Add(k);
        }
        keys.Add(Enumerable.Repeat((byte)0x88, 32).ToArray());
        keys.Add(Enumerable.Repeat((byte)0x77, 32).ToArray());
        for (int bit = 3; bit < 254; bit += 7)
        {
            var k = new byte[32];
            k[bit / 8] = (byte)(1 << (bit % 8));
            keys.Add(k);
        }
        var rng = new Random(7748);
        for (int i = 0; i < 1500; i++)
        {
            var k = new byte[32];
            rng.NextBytes(k);
            keys.Add(k);
        }
        var ours = new byte[32];
        var ladder = new byte[32];
        foreach (var k in keys)
        {
            X25519FixedBase.PublicKey(k, ours);
            // BouncyCastle's X25519 with the u-coordinate 9 as the peer runs the RFC 7748 §5 ladder itself.
            var nine = new byte[32];
            nine[0] = 9;
            Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMult(k, 0, nine, 0, ladder, 0);
            Assert.True(ladder.AsSpan().SequenceEqual(ours), $"key {Convert.ToHexStringLower(k)}");
        }
    }

    [Fact]
    public void FieldArithmeticMatchesIntegersModP()
    {
        var values = new List<BigInteger> { 0, 1, 2, 19, P - 1, P - 2, P - 19, (BigInteger.One << 255) - 1, (BigInteger.One << 204) - 1, BigInteger.Parse("486662") };
        var rng = new Random(25519);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[33];
            rng.NextBytes(bytes);
            bytes[32] = 0;
            values.Add(new BigInteger(bytes) % P);
        }
        // Loosely reduced inputs: every limb at its largest allowed value (below 2^52), the value ≥ p.
        var loose = new Field25519 { L0 = (1UL << 52) - 1, L1 = (1UL << 52) - 1, L2 = (1UL << 52) - 1, L3 = (1UL << 52) - 1, L4 = (1UL << 52) - 1 };
        BigInteger looseValue = 0;
        for (int i = 4; i >= 0; i--) looseValue = (looseValue << 51) + ((BigInteger.One << 52) - 1);
        foreach (var a in values)
        {
            var fa = Field25519.FromInteger(a);
            var b = values[(int)(a % values.Count)];
            var fb = Field25519.FromInteger(b);
            AssertIs((a * b) % P, Field25519.Mul(fa, fb));
            AssertIs((a * a) % P, Field25519.Square(fa));
            AssertIs((a + b) % P, Field25519.Add(fa, fb));
            AssertIs(Mod(a - b), Field25519.Sub(fa, fb));
            AssertIs(Mod(-a), Field25519.Negate(fa));
            AssertIs((a * looseValue) % P, Field25519.Mul(fa, loose));
            AssertIs(Mod(a - looseValue), Field25519.Sub(fa, loose));
            AssertIs(a.IsZero ? 0 : BigInteger.ModPow(a, P - 2, P), Field25519.Invert(fa));
            if (!a.IsZero) AssertIs(1, Field25519.Mul(fa, Field25519.Invert(fa)));
        }
        AssertIs(looseValue * looseValue % P, Field25519.Square(loose));
        AssertIs(looseValue % P, loose);
    }

    /// <summary>
    /// The divsteps inversion (Inverse25519) against a^(p-2) over integers: every power of two and p minus it, values
    /// next to p and to the 62-bit limb edges, 20,000 random values, and a loosely reduced input whose value is ≥ p.
    /// </summary>
    [Fact]
    public void InversionMatchesFermatOverIntegers()
    {
        var values = new List<BigInteger> { 0, 1, 2, 3, 19, P - 1, P - 2, P - 19, (BigInteger.One << 255) - 20 };
        for (int k = 0; k < 255; k++)
        {
            values.Add(BigInteger.One << k);
            values.Add(P - (BigInteger.One << k));
            values.Add((BigInteger.One << k) - 1);
        }
        foreach (int edge in new[] { 62, 124, 186, 248 })
        {
            values.Add((BigInteger.One << edge) + 1);
            values.Add(P - (BigInteger.One << edge) - 1);
        }
        var rng = new Random(590);
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new byte[33];
            rng.NextBytes(bytes);
            bytes[32] = 0;
            values.Add(new BigInteger(bytes) % P);
        }
        foreach (var value in values)
        {
            var a = value % P;
            AssertIs(a.IsZero ? 0 : BigInteger.ModPow(a, P - 2, P), Field25519.Invert(Field25519.FromInteger(a)));
        }
        var loose = new Field25519 { L0 = (1UL << 52) - 1, L1 = (1UL << 52) - 1, L2 = (1UL << 52) - 1, L3 = (1UL << 52) - 1, L4 = (1UL << 52) - 1 };
        BigInteger looseValue = 0;
        for (int i = 4; i >= 0; i--) looseValue = (looseValue << 51) + ((BigInteger.One << 52) - 1);
        AssertIs(BigInteger.ModPow(looseValue % P, P - 2, P), Field25519.Invert(loose));
        // p itself, in canonical limbs, is zero.
        AssertIs(0, Field25519.Invert(new Field25519 { L0 = (1UL << 51) - 19, L1 = (1UL << 51) - 1, L2 = (1UL << 51) - 1, L3 = (1UL << 51) - 1, L4 = (1UL << 51) - 1 }));
    }

    [Fact]
    public void SelectTakesTheSecondOnlyUnderAFullMask()
    {
        var a = Field25519.FromInteger(123456789);
        var b = Field25519.FromInteger(P - 5);
        var kept = a;
        Field25519.Select(ref kept, b, 0);
        AssertIs(123456789, kept);
        Field25519.Select(ref kept, b, ulong.MaxValue);
        AssertIs(P - 5, kept);
    }

    [Fact]
    public void RejectsWrongLengths()
    {
        Assert.Throws<ArgumentException>(() => X25519FixedBase.PublicKey(new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => X25519FixedBase.PublicKey(new byte[32], new byte[31]));
    }

    private static BigInteger Mod(BigInteger v) => ((v % P) + P) % P;

    private static void AssertIs(BigInteger expected, Field25519 actual)
    {
        var bytes = new byte[32];
        actual.ToBytes(bytes);
        Assert.Equal(expected, new BigInteger(bytes, isUnsigned: true));
        Assert.True(actual.L0 < 1UL << 52 && actual.L1 < 1UL << 52 && actual.L2 < 1UL << 52 && actual.L3 < 1UL << 52 && actual.L4 < 1UL << 52, "limbs stay below 2^52");
    }
}
