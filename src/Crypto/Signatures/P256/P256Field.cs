using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TlsEngine.Crypto;

/// <summary>
/// An element of P-256's field GF(p), p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-4 §D.1.2.3), in Montgomery form
/// with R = 2^260 (x stored as x·R mod p), as five 52-bit limbs, little-endian. Operations take and give values in
/// [0, 2p) with limbs below 2^52 (the Montgomery product of two such values is below 2p without a final subtraction);
/// <see cref="IsZero"/>, <see cref="Equal"/> and <see cref="Pack"/> reduce to [0, p) first.
/// </summary>
/// <remarks>
/// Five 52-bit limbs leave 12 bits of headroom in each 64-bit word: limb products split into a low and a high part
/// (as in <see cref="Field25519"/>) that add up without carries, and since p ≡ -1 (mod 2^96), -p^-1 mod 2^52 is 1 and
/// each Montgomery reduction step multiplies by p with shifts (p's limbs are 2^52 - 1, 2^44 - 1, 0, 2^36 and
/// 2^48 - 2^16). This is about twice as fast as four 64-bit words with explicit carries. Not constant-time: the final
/// subtractions depend on the values, so this is for public values only (signature verification).
/// </remarks>
internal struct P256Field
{
    private const ulong Mask52 = (1UL << 52) - 1;

    // p in 52-bit limbs (limb 2 is zero).
    private const ulong P0 = Mask52;
    private const ulong P1 = (1UL << 44) - 1;
    private const ulong P3 = 1UL << 36;
    private const ulong P4 = 0xffffffff0000;

    // 2p in 52-bit limbs.
    private const ulong TwoP0 = 0xffffffffffffe;
    private const ulong TwoP1 = 0x1fffffffffff;
    private const ulong TwoP3 = 0x2000000000;
    private const ulong TwoP4 = 0x1fffffffe0000;

    /// <summary>p as four 64-bit words.</summary>
    public static readonly U256 Modulus = new(0xffffffffffffffff, 0x00000000ffffffff, 0, 0xffffffff00000001);

    /// <summary>R² mod p = 2^520 mod p (plain limbs), to bring numbers into Montgomery form.</summary>
    private static readonly P256Field R2 = Unpack(U256.FromInteger(BigInteger.ModPow(2, 520, Modulus.ToInteger())));

    /// <summary>1 in Montgomery form (2^260 mod p).</summary>
    public static readonly P256Field One = Unpack(U256.FromInteger(BigInteger.ModPow(2, 260, Modulus.ToInteger())));

    public ulong L0, L1, L2, L3, L4;

    /// <summary>Whether the value is 0 mod p (0 or p).</summary>
    public readonly bool IsZero
    {
        get
        {
            var r = Reduced(this);
            return (r.L0 | r.L1 | r.L2 | r.L3 | r.L4) == 0;
        }
    }

    /// <summary>Whether a ≡ b (mod p).</summary>
    public static bool Equal(in P256Field a, in P256Field b)
    {
        var x = Reduced(a);
        var y = Reduced(b);
        return ((x.L0 ^ y.L0) | (x.L1 ^ y.L1) | (x.L2 ^ y.L2) | (x.L3 ^ y.L3) | (x.L4 ^ y.L4)) == 0;
    }

    /// <summary>The value in [0, p) of one in [0, 2p).</summary>
    private static P256Field Reduced(in P256Field a) => SubtractIfNotBelow(a.L0, a.L1, a.L2, a.L3, a.L4, P0, P1, P3, P4);

    /// <summary>x·R mod p for x below p.</summary>
    public static P256Field ToMontgomery(in U256 x) => Multiply(Unpack(x), R2);

    /// <summary>The plain value of a number in Montgomery form (x·R^-1 mod p).</summary>
    public static U256 FromMontgomery(in P256Field x) => Pack(Multiply(x, new P256Field { L0 = 1 }));

    /// <summary>The limbs of a number below 2^256, unchanged in value (no conversion to Montgomery form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static P256Field Unpack(in U256 x) => new()
    {
        L0 = x.W0 & Mask52,
        L1 = ((x.W0 >> 52) | (x.W1 << 12)) & Mask52,
        L2 = ((x.W1 >> 40) | (x.W2 << 24)) & Mask52,
        L3 = ((x.W2 >> 28) | (x.W3 << 36)) & Mask52,
        L4 = x.W3 >> 16,
    };

    /// <summary>The value reduced to [0, p), in four 64-bit words: 32 bytes where the limbs take 40.</summary>
    public static U256 Pack(in P256Field value)
    {
        var x = Reduced(value);
        return new(x.L0 | (x.L1 << 52), (x.L1 >> 12) | (x.L2 << 40), (x.L2 >> 24) | (x.L3 << 28), (x.L3 >> 36) | (x.L4 << 16));
    }

    /// <summary>a·b·R^-1 mod p.</summary>
    public static P256Field Multiply(in P256Field a, in P256Field b) =>
        Bmi2.X64.IsSupported ? Multiply<Bmi2High>(a, b) : Multiply<PortableHigh>(a, b);

    /// <summary>a²·R^-1 mod p, with the symmetric products doubled instead of computed twice.</summary>
    public static P256Field Square(in P256Field a) =>
        Bmi2.X64.IsSupported ? Square<Bmi2High>(a) : Square<PortableHigh>(a);

    /// <summary>
    /// Each limb product is taken with one factor shifted left by 12 bits (below 2^64 since limbs are below 2^52), so
    /// the high 64 bits of the 128-bit result are the product's bits 52 and up and the low 64 bits, shifted right by
    /// 12, its bits 0-51: column k of the product is lo_k + 2^52·hi_k, with no 128-bit additions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256Field Multiply<T>(in P256Field a, in P256Field b) where T : struct, IHighMultiply
    {
        ulong b0 = b.L0 << 12, b1 = b.L1 << 12, b2 = b.L2 << 12, b3 = b.L3 << 12, b4 = b.L4 << 12;
        ulong lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0, lo3 = 0, hi3 = 0, lo4 = 0, hi4 = 0;
        ulong lo5 = 0, hi5 = 0, lo6 = 0, hi6 = 0, lo7 = 0, hi7 = 0, lo8 = 0, hi8 = 0;
        Acc<T>(ref lo0, ref hi0, a.L0, b0);
        Acc<T>(ref lo1, ref hi1, a.L0, b1); Acc<T>(ref lo1, ref hi1, a.L1, b0);
        Acc<T>(ref lo2, ref hi2, a.L0, b2); Acc<T>(ref lo2, ref hi2, a.L1, b1); Acc<T>(ref lo2, ref hi2, a.L2, b0);
        Acc<T>(ref lo3, ref hi3, a.L0, b3); Acc<T>(ref lo3, ref hi3, a.L1, b2); Acc<T>(ref lo3, ref hi3, a.L2, b1); Acc<T>(ref lo3, ref hi3, a.L3, b0);
        Acc<T>(ref lo4, ref hi4, a.L0, b4); Acc<T>(ref lo4, ref hi4, a.L1, b3); Acc<T>(ref lo4, ref hi4, a.L2, b2); Acc<T>(ref lo4, ref hi4, a.L3, b1); Acc<T>(ref lo4, ref hi4, a.L4, b0);
        Acc<T>(ref lo5, ref hi5, a.L1, b4); Acc<T>(ref lo5, ref hi5, a.L2, b3); Acc<T>(ref lo5, ref hi5, a.L3, b2); Acc<T>(ref lo5, ref hi5, a.L4, b1);
        Acc<T>(ref lo6, ref hi6, a.L2, b4); Acc<T>(ref lo6, ref hi6, a.L3, b3); Acc<T>(ref lo6, ref hi6, a.L4, b2);
        Acc<T>(ref lo7, ref hi7, a.L3, b4); Acc<T>(ref lo7, ref hi7, a.L4, b3);
        Acc<T>(ref lo8, ref hi8, a.L4, b4);
        return Reduce<T>(lo0, lo1 + hi0, lo2 + hi1, lo3 + hi2, lo4 + hi3, lo5 + hi4, lo6 + hi5, lo7 + hi6, lo8 + hi7, hi8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256Field Square<T>(in P256Field a) where T : struct, IHighMultiply
    {
        ulong d0 = 2 * a.L0, d1 = 2 * a.L1, d2 = 2 * a.L2, d3 = 2 * a.L3;
        ulong s0 = a.L0 << 12, s1 = a.L1 << 12, s2 = a.L2 << 12, s3 = a.L3 << 12, s4 = a.L4 << 12;
        ulong lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0, lo3 = 0, hi3 = 0, lo4 = 0, hi4 = 0;
        ulong lo5 = 0, hi5 = 0, lo6 = 0, hi6 = 0, lo7 = 0, hi7 = 0, lo8 = 0, hi8 = 0;
        Acc<T>(ref lo0, ref hi0, a.L0, s0);
        Acc<T>(ref lo1, ref hi1, d0, s1);
        Acc<T>(ref lo2, ref hi2, d0, s2); Acc<T>(ref lo2, ref hi2, a.L1, s1);
        Acc<T>(ref lo3, ref hi3, d0, s3); Acc<T>(ref lo3, ref hi3, d1, s2);
        Acc<T>(ref lo4, ref hi4, d0, s4); Acc<T>(ref lo4, ref hi4, d1, s3); Acc<T>(ref lo4, ref hi4, a.L2, s2);
        Acc<T>(ref lo5, ref hi5, d1, s4); Acc<T>(ref lo5, ref hi5, d2, s3);
        Acc<T>(ref lo6, ref hi6, d2, s4); Acc<T>(ref lo6, ref hi6, a.L3, s3);
        Acc<T>(ref lo7, ref hi7, d3, s4);
        Acc<T>(ref lo8, ref hi8, a.L4, s4);
        return Reduce<T>(lo0, lo1 + hi0, lo2 + hi1, lo3 + hi2, lo4 + hi3, lo5 + hi4, lo6 + hi5, lo7 + hi6, lo8 + hi7, hi8);
    }

    /// <summary>Adds x·y, y = z·2^12 with z below 2^52, as bits 0-51 to <paramref name="lo"/> and bits 52 and up to <paramref name="hi"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acc<T>(ref ulong lo, ref ulong hi, ulong x, ulong y) where T : struct, IHighMultiply
    {
        lo += (x * y) >> 12;
        hi += T.High(x, y);
    }

    /// <summary>
    /// Montgomery reduction of T = Σ t_k·2^(52k) (each t_k below 2^57, T below 4p² &lt; p·2^258): T·2^-260 mod p, below
    /// 2p. Five steps each add m·p·2^(52i) with m = t_i mod 2^52, which clears column i (-p^-1 ≡ 1 mod 2^52); the
    /// result, (T + Mp)/2^260 &lt; p/4 + p, is columns 5-9, carried.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256Field Reduce<T>(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, ulong t5, ulong t6, ulong t7, ulong t8, ulong t9)
        where T : struct, IHighMultiply
    {
        ReduceStep<T>(t0, ref t1, ref t2, ref t3, ref t4, ref t5);
        ReduceStep<T>(t1, ref t2, ref t3, ref t4, ref t5, ref t6);
        ReduceStep<T>(t2, ref t3, ref t4, ref t5, ref t6, ref t7);
        ReduceStep<T>(t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        ReduceStep<T>(t4, ref t5, ref t6, ref t7, ref t8, ref t9);
        t6 += t5 >> 52; t5 &= Mask52;
        t7 += t6 >> 52; t6 &= Mask52;
        t8 += t7 >> 52; t7 &= Mask52;
        t9 += t8 >> 52; t8 &= Mask52;
        return new P256Field { L0 = t5, L1 = t6, L2 = t7, L3 = t8, L4 = t9 };
    }

    /// <summary>
    /// Column t0 plus m·p at weight 1 with m = t0 mod 2^52, carried into the next five columns: m·(2^96 - 1) (p's two
    /// low limbs) leaves t0 - m, a multiple of 2^52, and m·2^96; then m·2^192 and m·(2^256 - 2^224).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceStep<T>(ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4, ref ulong t5)
        where T : struct, IHighMultiply
    {
        const ulong p4Shifted = P4 << 12;
        ulong m = t0 & Mask52;
        // (t0 - m) / 2^52 + m·2^96: 2^96 = 2^52·2^44, split at bit 52 of column 1.
        t1 += (t0 >> 52) + ((m & 0xff) << 44);
        t2 += m >> 8;
        // m·2^192 = m·2^36 in column 3.
        t3 += (m & 0xffff) << 36;
        t4 += m >> 16;
        // m·P4 in column 4, split as in the products.
        t4 += (m * p4Shifted) >> 12;
        t5 += T.High(m, p4Shifted);
    }

    /// <summary>
    /// The element whose carried limbs are given, less m (p or 2p, in limbs m0..m4, limb 2 zero) when the value is not
    /// below m: a value below 2m comes out below m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256Field SubtractIfNotBelow(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4, ulong m0, ulong m1, ulong m3, ulong m4)
    {
        long d0 = (long)l0 - (long)m0;
        long d1 = (long)l1 - (long)m1 + (d0 >> 52);
        long d2 = (long)l2 + (d1 >> 52);
        long d3 = (long)l3 - (long)m3 + (d2 >> 52);
        long d4 = (long)l4 - (long)m4 + (d3 >> 52);
        if (d4 < 0)
            return new P256Field { L0 = l0, L1 = l1, L2 = l2, L3 = l3, L4 = l4 };
        return new P256Field
        {
            L0 = (ulong)d0 & Mask52,
            L1 = (ulong)d1 & Mask52,
            L2 = (ulong)d2 & Mask52,
            L3 = (ulong)d3 & Mask52,
            L4 = (ulong)d4,
        };
    }

    /// <summary>a + b, in [0, 2p).</summary>
    public static P256Field Add(in P256Field a, in P256Field b)
    {
        ulong l0 = a.L0 + b.L0;
        ulong l1 = a.L1 + b.L1 + (l0 >> 52);
        ulong l2 = a.L2 + b.L2 + (l1 >> 52);
        ulong l3 = a.L3 + b.L3 + (l2 >> 52);
        ulong l4 = a.L4 + b.L4 + (l3 >> 52);
        return SubtractIfNotBelow(l0 & Mask52, l1 & Mask52, l2 & Mask52, l3 & Mask52, l4, TwoP0, TwoP1, TwoP3, TwoP4);
    }

    /// <summary>
    /// a - b, in [0, 2p): the difference, plus 2p when it is negative. (The three results built from signed limbs here
    /// and above are written out: a shared helper, inlined or not, measured 4 % slower on a verification.)
    /// </summary>
    public static P256Field Subtract(in P256Field a, in P256Field b)
    {
        long d0 = (long)a.L0 - (long)b.L0;
        long d1 = (long)a.L1 - (long)b.L1 + (d0 >> 52);
        long d2 = (long)a.L2 - (long)b.L2 + (d1 >> 52);
        long d3 = (long)a.L3 - (long)b.L3 + (d2 >> 52);
        long d4 = (long)a.L4 - (long)b.L4 + (d3 >> 52);
        if (d4 >= 0)
            return new P256Field
            {
                L0 = (ulong)d0 & Mask52,
                L1 = (ulong)d1 & Mask52,
                L2 = (ulong)d2 & Mask52,
                L3 = (ulong)d3 & Mask52,
                L4 = (ulong)d4,
            };
        long e0 = (d0 & (long)Mask52) + (long)TwoP0;
        long e1 = (d1 & (long)Mask52) + (long)TwoP1 + (e0 >> 52);
        long e2 = (d2 & (long)Mask52) + (e1 >> 52);
        long e3 = (d3 & (long)Mask52) + (long)TwoP3 + (e2 >> 52);
        long e4 = d4 + (long)TwoP4 + (e3 >> 52);
        return new P256Field
        {
            L0 = (ulong)e0 & Mask52,
            L1 = (ulong)e1 & Mask52,
            L2 = (ulong)e2 & Mask52,
            L3 = (ulong)e3 & Mask52,
            L4 = (ulong)e4,
        };
    }

    /// <summary>-a mod p.</summary>
    public static P256Field Negate(in P256Field a) => Subtract(default, a);

    /// <summary>1/a in Montgomery form, by a^(p-2) (p prime); 0 for 0. For building tables, not for every verification.</summary>
    public static P256Field Invert(in P256Field a)
    {
        var exponent = U256.Subtract(Modulus, new U256(2, 0, 0, 0), out _);
        var result = One;
        for (int bit = 255; bit >= 0; bit--)
        {
            result = Square(result);
            if ((exponent.Word(bit >> 6) >> (bit & 63) & 1) != 0)
                result = Multiply(result, a);
        }
        return result;
    }
}
