using System.Numerics;
using System.Runtime.CompilerServices;

namespace TlsEngine.Crypto;

/// <summary>An odd modulus m below 2^256 for <see cref="Montgomery{TModulus}"/>.</summary>
internal interface IMontgomeryModulus
{
    /// <summary>The modulus' words, least significant first.</summary>
    static abstract ulong M0 { get; }
    static abstract ulong M1 { get; }
    static abstract ulong M2 { get; }
    static abstract ulong M3 { get; }

    /// <summary>-m^-1 mod 2^64.</summary>
    static abstract ulong NegativeInverse { get; }
}

/// <summary>
/// Multiplication modulo m in Montgomery form (x stored as x·2^256 mod m), four 64-bit words, by the CIOS method (Koç,
/// Acar and Kaliski, "Analyzing and comparing Montgomery multiplication algorithms", 1996), for the few products
/// modulo P-256's group order in a verification (u1 and u2; the field, where the work is, has <see cref="P256Field"/>).
/// Results are fully reduced, in [0, m). Not constant-time — the final subtraction depends on the values: for public
/// values only (signature verification).
/// </summary>
internal static class Montgomery<TModulus> where TModulus : struct, IMontgomeryModulus
{
    public static readonly U256 Modulus = new(TModulus.M0, TModulus.M1, TModulus.M2, TModulus.M3);

    /// <summary>2^512 mod m, to bring numbers into Montgomery form.</summary>
    private static readonly U256 R2 = U256.FromInteger(BigInteger.Pow(2, 512) % Modulus.ToInteger());

    /// <summary>x·2^256 mod m for any x below 2^256.</summary>
    public static U256 ToMontgomery(in U256 x) => Multiply(x, R2);

    /// <summary>a·b·2^-256 mod m, for a below 2^256 and b below m.</summary>
    public static U256 Multiply(in U256 a, in U256 b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        Round(a.W0, b, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a.W1, b, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a.W2, b, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a.W3, b, ref t0, ref t1, ref t2, ref t3, ref t4);
        // t < 2m: subtract m once when t ≥ m.
        var t = new U256(t0, t1, t2, t3);
        var reduced = U256.Subtract(t, Modulus, out ulong borrow);
        return t4 != 0 || borrow == 0 ? reduced : t;
    }

    /// <summary>
    /// One word of CIOS: t = (t + ai·b + q·m) / 2^64 with q = (t + ai·b)·(-m^-1) mod 2^64, which makes the division
    /// exact. t stays below 2m, so five words hold it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ulong ai, in U256 b, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        ulong c = U256.MulAdd(ai, b.W0, t0, 0, out t0);
        c = U256.MulAdd(ai, b.W1, t1, c, out t1);
        c = U256.MulAdd(ai, b.W2, t2, c, out t2);
        c = U256.MulAdd(ai, b.W3, t3, c, out t3);
        ulong carry = 0;
        t4 = U256.AddCarry(t4, c, ref carry);
        ulong t5 = carry;

        ulong q = t0 * TModulus.NegativeInverse;
        c = U256.MulAdd(q, TModulus.M0, t0, 0, out _);
        c = U256.MulAdd(q, TModulus.M1, t1, c, out t0);
        c = U256.MulAdd(q, TModulus.M2, t2, c, out t1);
        c = U256.MulAdd(q, TModulus.M3, t3, c, out t2);
        carry = 0;
        t3 = U256.AddCarry(t4, c, ref carry);
        t4 = t5 + carry;
    }
}
