using System.Numerics;
using System.Reflection;

namespace TlsEngine.Crypto.Tests;

/// <summary>
/// The field multiplications choose the high half of each limb product once, by type argument: BMI2's MULX where the
/// processor has it (every run on this kind of machine), else Math.BigMul. This runs the second path, which the
/// processor would otherwise never take here, against BigInteger.
/// </summary>
public class PortableMultiplyTests
{
    private static readonly BigInteger P25519 = (BigInteger.One << 255) - 19;
    private static readonly BigInteger P256 = BigInteger.Parse("0ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", System.Globalization.NumberStyles.HexNumber);

    private static IEnumerable<(BigInteger A, BigInteger B)> Pairs(BigInteger p)
    {
        var rng = new Random(52);
        var bytes = new byte[33];
        yield return (0, 0);
        yield return (p - 1, p - 1);
        yield return (1, p - 2);
        for (int i = 0; i < 300; i++)
        {
            rng.NextBytes(bytes);
            bytes[32] = 0;
            var a = new BigInteger(bytes) % p;
            rng.NextBytes(bytes);
            bytes[32] = 0;
            yield return (a, new BigInteger(bytes) % p);
        }
    }

    [Fact]
    public void Field25519PortablePathMatchesIntegers()
    {
        var mul = Generic(typeof(Field25519), "Mul");
        var square = Generic(typeof(Field25519), "Square");
        var bytes = new byte[32];
        foreach (var (a, b) in Pairs(P25519))
        {
            var fa = Field25519.FromInteger(a);
            var fb = Field25519.FromInteger(b);
            ((Field25519)mul.Invoke(null, [fa, fb])!).ToBytes(bytes);
            Assert.Equal(a * b % P25519, new BigInteger(bytes, isUnsigned: true));
            ((Field25519)square.Invoke(null, [fa])!).ToBytes(bytes);
            Assert.Equal(a * a % P25519, new BigInteger(bytes, isUnsigned: true));
        }
    }

    [Fact]
    public void P256FieldPortablePathMatchesIntegers()
    {
        var multiply = Generic(typeof(P256Field), "Multiply");
        var square = Generic(typeof(P256Field), "Square");
        var rInverse = BigInteger.ModPow(BigInteger.One << 260, P256 - 2, P256);
        foreach (var (a, b) in Pairs(P256))
        {
            var fa = P256Field.Unpack(U256.FromInteger(a));
            var fb = P256Field.Unpack(U256.FromInteger(b));
            Assert.Equal(a * b * rInverse % P256, P256Field.Pack((P256Field)multiply.Invoke(null, [fa, fb])!).ToInteger());
            Assert.Equal(a * a * rInverse % P256, P256Field.Pack((P256Field)square.Invoke(null, [fa])!).ToInteger());
        }
    }

    /// <summary>The private generic method <paramref name="name"/> of <paramref name="type"/> instantiated with the portable high half.</summary>
    private static MethodInfo Generic(Type type, string name) =>
        type.GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Single(m => m.Name == name && m.IsGenericMethodDefinition)
            .MakeGenericMethod(typeof(PortableHigh));
}
