using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Fn = TlsEngine.Crypto.Montgomery<TlsEngine.Crypto.P256Curve.OrderModulus>;
using Fp = TlsEngine.Crypto.P256Field;

namespace TlsEngine.Crypto.Tests;

/// <summary>
/// The engine's own P-256 verification (precomputed tables, <see cref="P256VerificationTable"/>) against independent
/// implementations: BigInteger for the field and order arithmetic, BouncyCastle for point multiplication, and the
/// BCL / libcrypto for ECDSA verdicts.
/// </summary>
public class P256VerificationTests
{
    private static readonly X9ECParameters Curve = ECNamedCurveTable.GetByName("P-256");
    private static readonly BigInteger P = BigInteger.Parse("0ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger N = BigInteger.Parse("0ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger R = BigInteger.One << 256;

    private static IEnumerable<BigInteger> Values(BigInteger modulus, int random, int seed)
    {
        var rnd = new Random(seed);
        var bytes = new byte[33];
        yield return 0;
        yield return 1;
        yield return 2;
        yield return modulus - 1;
        yield return modulus - 2;
        for (int k = 1; k < 256; k += 5)
        {
            yield return (BigInteger.One << k) % modulus;
            yield return ((BigInteger.One << k) - 1) % modulus;
        }
        for (int i = 0; i < random; i++)
        {
            rnd.NextBytes(bytes);
            bytes[32] = 0;
            yield return new BigInteger(bytes) % modulus;
        }
    }

    [Fact]
    public void FieldArithmeticMatchesIntegers()
    {
        var values = Values(P, 300, 1).ToList();
        var fieldR = BigInteger.One << 260;
        var rInverse = BigInteger.ModPow(fieldR, P - 2, P);
        for (int i = 0; i < values.Count; i++)
        {
            var a = values[i];
            var b = values[(i * 7 + 3) % values.Count];
            var ma = Fp.ToMontgomery(U256.FromInteger(a));
            var mb = Fp.ToMontgomery(U256.FromInteger(b));
            Assert.Equal(a * fieldR % P, Fp.Pack(ma).ToInteger());
            Assert.Equal(a, Fp.FromMontgomery(ma).ToInteger());
            Assert.Equal(a, Fp.Pack(Fp.Unpack(U256.FromInteger(a))).ToInteger());
            Assert.Equal(a * b % P, Fp.FromMontgomery(Fp.Multiply(ma, mb)).ToInteger());
            Assert.Equal(a * a % P, Fp.FromMontgomery(Fp.Square(ma)).ToInteger());
            Assert.Equal(a * b * rInverse % P, Fp.Pack(Fp.Multiply(Plain(a), Plain(b))).ToInteger());
            Assert.Equal(a * a * rInverse % P, Fp.Pack(Fp.Square(Plain(a))).ToInteger());
            Assert.Equal((a + b) % P, Fp.Pack(Fp.Add(Plain(a), Plain(b))).ToInteger());
            Assert.Equal(((a - b) % P + P) % P, Fp.Pack(Fp.Subtract(Plain(a), Plain(b))).ToInteger());
            Assert.Equal((P - a) % P, Fp.Pack(Fp.Negate(Plain(a))).ToInteger());
            Assert.Equal(a == b, Fp.Equal(Plain(a), Plain(b)));
            Assert.Equal(a.IsZero, Plain(a).IsZero);
            var expectedInverse = a.IsZero ? 0 : BigInteger.ModPow(a, P - 2, P);
            Assert.Equal(expectedInverse, Fp.FromMontgomery(Fp.Invert(ma)).ToInteger());
        }

        static Fp Plain(BigInteger value) => Fp.Unpack(U256.FromInteger(value));
    }

    /// <summary>
    /// Products whose reduction carries the most: operands near p and with all-ones or single-bit limbs, where a
    /// reduction column or the final subtraction is most likely to go wrong.
    /// </summary>
    [Fact]
    public void FieldMultiplicationOfExtremeOperandsMatchesIntegers()
    {
        var fieldR = BigInteger.One << 260;
        var rInverse = BigInteger.ModPow(fieldR, P - 2, P);
        var operands = new List<BigInteger>();
        for (int k = 0; k < 256; k++)
        {
            operands.Add(P - (BigInteger.One << k) % P);
            operands.Add(((BigInteger.One << 256) - 1 - (BigInteger.One << k)) % P);
        }
        for (int limb = 0; limb < 5; limb++)
            operands.Add((((BigInteger.One << 52) - 1) << (52 * limb)) % P);
        foreach (var a in operands)
        {
            foreach (var b in new[] { a, P - 1, P - 2, (P - 1) / 2, operands[(int)(a % operands.Count)] })
            {
                var product = Fp.Multiply(Fp.Unpack(U256.FromInteger(a)), Fp.Unpack(U256.FromInteger(b)));
                Assert.Equal(a * b * rInverse % P, Fp.Pack(product).ToInteger());
            }
            Assert.Equal(a * a * rInverse % P, Fp.Pack(Fp.Square(Fp.Unpack(U256.FromInteger(a)))).ToInteger());
        }
    }

    /// <summary>
    /// Between operations field values stay in [0, 2p), not reduced: every operation must take a value at or above p
    /// (here x + p for each test value x) and give one below 2p with limbs below 2^52; zero and equality are mod p.
    /// </summary>
    [Fact]
    public void FieldArithmeticTakesAndGivesValuesBelowTwiceTheModulus()
    {
        var fieldR = BigInteger.One << 260;
        var rInverse = BigInteger.ModPow(fieldR, P - 2, P);
        var values = Values(P, 200, 6).ToList();
        for (int i = 0; i < values.Count; i++)
        {
            var a = values[i];
            var b = values[(i * 5 + 1) % values.Count];
            foreach (var (x, y) in new[] { (Limbs(a + P), Limbs(b)), (Limbs(a), Limbs(b + P)), (Limbs(a + P), Limbs(b + P)) })
            {
                Assert.Equal(a * b * rInverse % P, Lazy(Fp.Multiply(x, y)) % P);
                Assert.Equal(a * a * rInverse % P, Lazy(Fp.Square(x)) % P);
                Assert.Equal((a + b) % P, Lazy(Fp.Add(x, y)) % P);
                Assert.Equal(((a - b) % P + P) % P, Lazy(Fp.Subtract(x, y)) % P);
                Assert.Equal((P - a) % P, Lazy(Fp.Negate(x)) % P);
                Assert.Equal(a * b * rInverse % P, Fp.Pack(Fp.Multiply(x, y)).ToInteger());
                Assert.Equal(a == b, Fp.Equal(x, y));
            }
            Assert.True(Fp.Equal(Limbs(a), Limbs(a + P)));
            Assert.Equal(a.IsZero, Limbs(a + P).IsZero);
        }

        static Fp Limbs(BigInteger v)
        {
            ulong Limb(int k) => (ulong)((v >> (52 * k)) & ((BigInteger.One << 52) - 1));
            return new Fp { L0 = Limb(0), L1 = Limb(1), L2 = Limb(2), L3 = Limb(3), L4 = (ulong)(v >> 208) };
        }

        // The value of an operation's result, checked to be in [0, 2p) with limbs below 2^52.
        static BigInteger Lazy(Fp r)
        {
            Assert.All(new[] { r.L0, r.L1, r.L2, r.L3, r.L4 }, limb => Assert.True(limb < 1UL << 52));
            var value = new BigInteger(r.L0) + (new BigInteger(r.L1) << 52) + (new BigInteger(r.L2) << 104) + (new BigInteger(r.L3) << 156) + (new BigInteger(r.L4) << 208);
            Assert.True(value < 2 * P, $"{value:x} not below 2p");
            return value;
        }
    }

    [Fact]
    public void OrderArithmeticAndInversionMatchIntegers()
    {
        foreach (var a in Values(N, 2000, 2))
        {
            var u = U256.FromInteger(a);
            SafeGcdInverse<P256Curve.OrderModulus>.Invert(u.W0, u.W1, u.W2, u.W3, out ulong w0, out ulong w1, out ulong w2, out ulong w3);
            var expected = a.IsZero ? 0 : BigInteger.ModPow(a, N - 2, N);
            Assert.Equal(expected, new U256(w0, w1, w2, w3).ToInteger());
            // e·w mod n for e up to 2^256 - 1, as the verification computes u1.
            var e = R - 1 - a;
            Assert.Equal(e * expected % N, Fn.ToMontgomery(Fn.Multiply(U256.FromInteger(e), new U256(w0, w1, w2, w3))).ToInteger());
        }
    }

    [Fact]
    public void TableMultiplesMatchBouncyCastle()
    {
        var rnd = new Random(3);
        var key = new BigInteger(rnd.Next(2, int.MaxValue)) * 7919 + 12345;
        var q = Curve.G.Multiply(ToBc(key)).Normalize();
        var table = new P256VerificationTable(Affine(q), counted: false);
        var scalars = Values(N, 60, 4).Concat([N - 1, R - 1, (R - 1) / 3, BigInteger.Parse("080808080808080808080808080808080808080808080808080808080808080", System.Globalization.NumberStyles.HexNumber)]);
        foreach (var u in scalars)
        {
            var sum = default(P256Curve.Jacobian);
            table.Accumulate(ref sum, U256.FromInteger(u));
            var expected = q.Multiply(ToBc(u)).Normalize();
            if (expected.IsInfinity)
            {
                Assert.True(sum.IsInfinity, $"u = {u:x}");
                continue;
            }
            Assert.False(sum.IsInfinity, $"u = {u:x}");
            var affine = P256Curve.ToAffine(sum);
            Assert.Equal(ToInteger(expected.AffineXCoord.GetEncoded()), Fp.FromMontgomery(affine.X).ToInteger());
            Assert.Equal(ToInteger(expected.AffineYCoord.GetEncoded()), Fp.FromMontgomery(affine.Y).ToInteger());
        }
    }

    [Fact]
    public void VerdictsMatchTheBclForValidAndAlteredSignatures()
    {
        var rnd = new Random(5);
        for (int k = 0; k < 4; k++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var table = TableOf(key);
            for (int i = 0; i < 150; i++)
            {
                var digest = new byte[i % 3 == 0 ? 48 : i % 3 == 1 ? 32 : 20];
                rnd.NextBytes(digest);
                var signature = key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
                Assert.True(table.Verify(digest, signature));
                var wrongDigest = (byte[])digest.Clone();
                wrongDigest[rnd.Next(Math.Min(digest.Length, 32))] ^= (byte)(1 << rnd.Next(8));
                Assert.False(table.Verify(wrongDigest, signature));
                var altered = (byte[])signature.Clone();
                altered[rnd.Next(altered.Length)] ^= (byte)(1 << rnd.Next(8));
                Assert.Equal(key.VerifyHash(digest, altered, DSASignatureFormat.Rfc3279DerSequence), table.Verify(digest, altered));
                // (r, n - s) verifies as well: ECDSA has no low-s rule.
                var (r, s) = Decode(signature);
                Assert.True(table.Verify(digest, Encode(r, N - s)));
                Assert.False(table.Verify(digest, Encode(r, s + N)));
                Assert.False(table.Verify(digest, Encode(r + N, s)));
                Assert.False(table.Verify(digest, Encode(0, s)));
                Assert.False(table.Verify(digest, Encode(r, 0)));
                Assert.False(table.Verify(digest, Encode(N, s)));
            }
        }
    }

    [Fact]
    public void SignatureEncodingIsCheckedAsStrictlyAsLibCrypto()
    {
        if (!LibCryptoEcdsa.IsAvailable)
            return; // the comparison needs libcrypto; the BCL path has its own parser
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var table = TableOf(key);
        var parameters = key.ExportParameters(false);
        using var native = LibCryptoEcdsa.Import(EcCurve.P256, [0x04, .. parameters.Q.X!, .. parameters.Q.Y!])!;
        var rnd = new Random(6);
        var digest = new byte[32];
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            rnd.NextBytes(digest);
            var signature = key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            var (r, s) = Decode(signature);
            byte[] candidate = (i % 6) switch
            {
                0 => signature,
                // A needless leading zero on r, or r written negative.
                1 => [0x30, (byte)(signature[1] + 1), 0x02, (byte)(signature[3] + 1), 0x00, .. signature.AsSpan(4)],
                // The long form of a short length.
                2 => [0x30, 0x81, .. signature.AsSpan(1)],
                // Trailing bytes, inside or after the sequence.
                3 => [.. signature, 0x00],
                4 => [0x30, (byte)(signature[1] + 2), .. signature.AsSpan(2), 0x05, 0x00],
                _ => Mutate(signature, rnd),
            };
            bool ours = table.Verify(digest, candidate);
            Assert.Equal(LibCryptoEcdsa.Verify(native, digest, candidate), ours);
            accepted += ours ? 1 : 0;
            _ = (r, s);
        }
        Assert.InRange(accepted, 500, 2999);
    }

    /// <summary>
    /// Signatures made so that the sum of table points passes through the doubling case (the running sum equals the
    /// point added) and through the point at infinity, with the key Q = G (private key 1) so that they can be built from
    /// the scalars: R = (u1 + u2)·G, r = x(R), s = r / u2, e = u1·s.
    /// </summary>
    [Theory]
    [InlineData("1", "257")]                      // u2 = 0x101: sum G, then + G (a doubling), then + 256·G
    [InlineData("1", "1")]
    [InlineData("-1", "513")]                     // u2 = 0x201: sum -G, then + G (infinity), then + 512·G
    [InlineData("-2", "514")]
    [InlineData("5", "-4")]                       // u1 + u2 = 1
    [InlineData("0", "12345")]                    // u1 = 0: the generator's table adds nothing
    public void EdgeCasesOfTheSumVerify(string u1Text, string u2Text)
    {
        var u1 = ((BigInteger.Parse(u1Text) % N) + N) % N;
        var u2 = ((BigInteger.Parse(u2Text) % N) + N) % N;
        var point = Curve.G.Multiply(ToBc((u1 + u2) % N)).Normalize();
        var r = ToInteger(point.AffineXCoord.GetEncoded()) % N;
        var s = r * BigInteger.ModPow(u2, N - 2, N) % N;
        var e = u1 * s % N;
        var digest = e.ToByteArray(isUnsigned: true, isBigEndian: true);
        digest = [.. new byte[32 - digest.Length], .. digest];
        var table = new P256VerificationTable(P256Curve.Generator, counted: false);
        using var bcl = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = Coordinate(Curve.G.AffineXCoord.GetEncoded()), Y = Coordinate(Curve.G.AffineYCoord.GetEncoded()) } });
        var signature = Encode(r, s);
        Assert.True(bcl.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(table.Verify(digest, signature));
        Assert.False(table.Verify(digest, Encode(r, (s + 1) % N)));
    }

    /// <summary>
    /// x(R) at or above n, so that r = x(R) - n and the check must also try r + n (SEC 1 §4.1.4 step 7, compared
    /// without an inversion). R is a point with such an x; the key is made to fit: Q = (R - u1·G) / u2.
    /// </summary>
    [Fact]
    public void AnXAboveTheOrderVerifies()
    {
        Org.BouncyCastle.Math.EC.ECPoint? point = null;
        for (var x = N; point is null; x++)
        {
            try
            {
                point = Curve.Curve.DecodePoint([0x02, .. Coordinate(x.ToByteArray(isUnsigned: true, isBigEndian: true))]);
            }
            catch (ArgumentException)
            {
            }
        }
        var u1 = BigInteger.Parse("1234567890123456789012345678901234567890");
        var u2 = BigInteger.Parse("9876543210987654321098765432109876543210");
        var q = point.Subtract(Curve.G.Multiply(ToBc(u1))).Multiply(ToBc(BigInteger.ModPow(u2, N - 2, N))).Normalize();
        var r = ToInteger(point.Normalize().AffineXCoord.GetEncoded()) - N;
        var s = r * BigInteger.ModPow(u2, N - 2, N) % N;
        var digest = Coordinate((u1 * s % N).ToByteArray(isUnsigned: true, isBigEndian: true));
        var table = new P256VerificationTable(Affine(q), counted: false);
        Assert.True(table.Verify(digest, Encode(r, s)));
        Assert.False(table.Verify(digest, Encode(r + 1, s)));
    }

    /// <summary>
    /// A busy key gets its table with the key held by libcrypto (the point read back through i2o_ECPublicKey) and by the
    /// BCL (the path where libcrypto is missing: the point read back through ExportParameters).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ABusyKeyGetsATableAndKeepsItsVerdicts(bool libCrypto)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(false);
        using var ours = new EcPublicKey(EcCurve.P256, [0x04, .. parameters.Q.X!, .. parameters.Q.Y!], libCrypto);
        var algorithm = SignatureSchemes.ToAlgorithm(SignatureScheme.EcdsaSecp256r1Sha256);
        var data = new byte[100];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int verified = 0;
        while (!ours.HasVerificationTable && DateTime.UtcNow < deadline)
        {
            Random.Shared.NextBytes(data);
            var signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            Assert.True(ours.Verify(algorithm, data, signature));
            verified++;
            if (verified > P256VerificationTables.BuildAfter)
                Thread.Sleep(10);
        }
        Assert.True(ours.HasVerificationTable, "no table after 30 s of verifications");
        Assert.True(verified >= P256VerificationTables.BuildAfter);
        for (int i = 0; i < 50; i++)
        {
            Random.Shared.NextBytes(data);
            var signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            Assert.True(ours.Verify(algorithm, data, signature));
            data[0] ^= 1;
            Assert.False(ours.Verify(algorithm, data, signature));
        }
        Assert.False(ours.Verify(SignatureSchemes.ToAlgorithm(SignatureScheme.EcdsaSecp384r1Sha384), data, key.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence)));
        Assert.False(ours.Verify(algorithm, data, []));
    }

    [Fact]
    public void LibCryptoGivesBackTheImportedPoint()
    {
        if (!LibCryptoEcdsa.IsAvailable)
            return; // nothing to read back: the BCL path exports its parameters instead
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(false);
        byte[] point = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
        var native = LibCryptoEcdsa.Import(EcCurve.P256, point)!;
        var back = new byte[65];
        Assert.True(LibCryptoEcdsa.ExportPoint(native, back));
        Assert.Equal(point, back);
        Assert.False(LibCryptoEcdsa.ExportPoint(native, new byte[64]));
        native.Dispose();
        Assert.Throws<ObjectDisposedException>(() => LibCryptoEcdsa.ExportPoint(native, back));
    }

    private static P256VerificationTable TableOf(ECDsa key)
    {
        var parameters = key.ExportParameters(false);
        return new P256VerificationTable(P256Curve.FromCoordinates(U256.FromBigEndian(parameters.Q.X), U256.FromBigEndian(parameters.Q.Y)), counted: false);
    }

    private static P256Curve.Affine Affine(Org.BouncyCastle.Math.EC.ECPoint q) =>
        P256Curve.FromCoordinates(U256.FromBigEndian(q.AffineXCoord.GetEncoded()), U256.FromBigEndian(q.AffineYCoord.GetEncoded()));

    private static Org.BouncyCastle.Math.BigInteger ToBc(BigInteger value) => new(1, value.ToByteArray(isUnsigned: true, isBigEndian: true));

    private static BigInteger ToInteger(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static byte[] Coordinate(byte[] bytes) => [.. new byte[32 - bytes.Length], .. bytes];

    private static (BigInteger R, BigInteger S) Decode(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        return (reader.ReadInteger(), reader.ReadInteger());
    }

    private static byte[] Encode(BigInteger r, BigInteger s)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(s);
        }
        return writer.Encode();
    }

    private static byte[] Mutate(byte[] signature, Random rnd)
    {
        var bytes = (byte[])signature.Clone();
        switch (rnd.Next(4))
        {
            case 0:
                bytes[rnd.Next(4)] ^= (byte)(1 << rnd.Next(8)); // a header or length byte
                return bytes;
            case 1:
                return bytes[..rnd.Next(bytes.Length)];
            case 2:
                bytes[1 + 2 + bytes[3] + 1] ^= (byte)(1 << rnd.Next(8)); // s's length
                return bytes;
            default:
                bytes[4] = (byte)rnd.Next(0x100); // r's first byte, perhaps negative or zero
                return bytes;
        }
    }
}
