using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TlsEngine.Crypto;

/// <summary>An odd modulus below 2^256 for <see cref="SafeGcdInverse{TModulus}"/>, as five signed 62-bit limbs.</summary>
internal interface ISafeGcdModulus
{
    /// <summary>Limbs of the modulus: value = P0 + 2^62 P1 + 2^124 P2 + 2^186 P3 + 2^248 P4 (P0 may be negative).</summary>
    static abstract long P0 { get; }
    static abstract long P1 { get; }
    static abstract long P2 { get; }
    static abstract long P3 { get; }
    static abstract long P4 { get; }

    /// <summary>The modulus' inverse modulo 2^62.</summary>
    static abstract ulong Inverse62 { get; }
}

/// <summary>
/// Constant-time inversion modulo an odd modulus p below 2^256 by Bernstein and Yang's divsteps ("Fast constant-time
/// gcd computation and modular inversion", TCHES 2019), in the half-delta form (a variable zeta = -(delta + 1/2),
/// starting at -1) whose bound of 590 divsteps covers inputs below 2^256. The divsteps run in batches of 59 on the low
/// 64 bits of f and g; each batch yields a 2x2 matrix (scaled by 2^62) that is then applied to the full-size f, g and
/// to the Bézout coefficients d, e, which are kept in (-2p, p) by adding multiples of p that make them divisible by
/// 2^62. Numbers are five signed 62-bit limbs: value = v0 + 2^62 v1 + 2^124 v2 + 2^186 v3 + 2^248 v4, v0..v3 in
/// [0, 2^62) after every update and v4 carrying the sign. No branch or memory access depends on a value: the only
/// conditionals test the modulus' limbs, which are constants — the modulus is a type argument, so the JIT compiles a
/// copy per modulus in which zero limbs cost nothing (2^255 - 19 has three).
/// </summary>
internal static class SafeGcdInverse<TModulus> where TModulus : struct, ISafeGcdModulus
{
    private const ulong M62 = ulong.MaxValue >> 2;
    private const int Batches = 10;

    /// <summary>A signed 128-bit value as two 64-bit halves (Int128's operators are not inlined).</summary>
    private readonly struct S128(ulong lo, long hi)
    {
        public readonly ulong Lo = lo;
        public readonly long Hi = hi;
    }

    /// <summary>1/a mod p for a below 2^256 given as four little-endian 64-bit words; 0 when a ≡ 0.</summary>
    public static void Invert(ulong a0, ulong a1, ulong a2, ulong a3, out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        var g = new Signed62
        {
            V0 = (long)(a0 & M62),
            V1 = (long)(((a0 >> 62) | (a1 << 2)) & M62),
            V2 = (long)(((a1 >> 60) | (a2 << 4)) & M62),
            V3 = (long)(((a2 >> 58) | (a3 << 6)) & M62),
            V4 = (long)(a3 >> 56),
        };
        var f = new Signed62 { V0 = TModulus.P0, V1 = TModulus.P1, V2 = TModulus.P2, V3 = TModulus.P3, V4 = TModulus.P4 };
        var d = default(Signed62);
        var e = new Signed62 { V0 = 1 };
        long zeta = -1;
        for (int i = 0; i < Batches; i++)
        {
            zeta = Divsteps59(zeta, (ulong)f.V0, (ulong)g.V0, out long u, out long v, out long q, out long r);
            UpdateDe(ref d, ref e, u, v, q, r);
            UpdateFg(ref f, ref g, u, v, q, r);
        }
        // g is 0 and f is ±1 (the gcd), so d is ±1/a: take the sign of f and reduce into [0, p).
        var result = Normalize(d, f.V4);
        r0 = (ulong)result.V0 | ((ulong)result.V1 << 62);
        r1 = ((ulong)result.V1 >> 2) | ((ulong)result.V2 << 60);
        r2 = ((ulong)result.V2 >> 4) | ((ulong)result.V3 << 58);
        r3 = ((ulong)result.V3 >> 6) | ((ulong)result.V4 << 56);
    }

    /// <summary>
    /// 59 divsteps on the low 64 bits of f (odd) and g. Each step: when zeta &lt; 0 and g is odd, (f, g) becomes
    /// (g, (g - f)/2) and zeta becomes -zeta - 2; otherwise g becomes (g + f·(g mod 2))/2 and zeta becomes zeta - 1.
    /// The matrix [u v; q r] maps the batch's (f, g) to 2^62 times its result; it starts as 8 times the identity and the
    /// f row doubles at each step, so that after 59 steps the scale is 2^62 and the entries stay within ±2^62.
    /// </summary>
    private static long Divsteps59(long zeta, ulong f, ulong g, out long u0, out long v0, out long q0, out long r0)
    {
        ulong u = 8, v = 0, q = 0, r = 8;
        for (int i = 3; i < 62; i++)
        {
            ulong negative = (ulong)(zeta >> 63);     // all ones when zeta < 0
            ulong odd = 0UL - (g & 1);                // all ones when g is odd
            // g += ±f (and the g row += ± the f row) when g is odd; minus when zeta < 0.
            g += ((f ^ negative) - negative) & odd;
            q += ((u ^ negative) - negative) & odd;
            r += ((v ^ negative) - negative) & odd;
            ulong swap = negative & odd;
            zeta = (zeta ^ (long)swap) - 1;
            // On a swap f takes the old g (f + (g - f)), and the f row the old g row.
            f += g & swap;
            u += q & swap;
            v += r & swap;
            g >>= 1;
            u <<= 1;
            v <<= 1;
        }
        u0 = (long)u;
        v0 = (long)v;
        q0 = (long)q;
        r0 = (long)r;
        return zeta;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static S128 Mul(long x, long y)
    {
        long hi = Math.BigMul(x, y, out long lo);
        return new S128((ulong)lo, hi);
    }

    /// <summary>
    /// a + b. The carry out of the low halves is computed with bit operations, not a comparison: C#'s conditional
    /// is a branch in IL, which the JIT's unoptimised first tier keeps as a branch on secret data (and which SharpFuzz
    /// instruments).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static S128 Add(S128 a, S128 b)
    {
        ulong lo = a.Lo + b.Lo;
        ulong carry = ((a.Lo & b.Lo) | ((a.Lo | b.Lo) & ~lo)) >> 63;
        return new S128(lo, a.Hi + b.Hi + (long)carry);
    }

    /// <summary>Arithmetic shift right by 62.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static S128 Shift62(S128 a) => new((a.Lo >> 62) | ((ulong)a.Hi << 2), a.Hi >> 62);

    /// <summary>(d, e) = ([u v; q r]·(d, e) + p·(md, me)) / 2^62, with md, me chosen to make the division exact.</summary>
    private static void UpdateDe(ref Signed62 d, ref Signed62 e, long u, long v, long q, long r)
    {
        // Starting md, me at u, q when d is negative and v, r when e is negative keeps both in (-2p, p): u·d + u·p is
        // u times a value in (-p, p), so with |u| + |v| ≤ 2^62 the row is within ±2^62·p, less m·p with m in [0, 2^62),
        // and the quotient by 2^62 lies in (-2p, p).
        long sd = d.V4 >> 63, se = e.V4 >> 63;
        var newD = Combine(d, e, u, v, (u & sd) + (v & se));
        var newE = Combine(d, e, q, r, (q & sd) + (r & se));
        d = newD;
        e = newE;
    }

    /// <summary>
    /// (x·a + y·b + p·m) / 2^62 for one row (x, y) of the matrix, where m is <paramref name="m"/> less
    /// ((x·a + y·b)·p^-1 + m) mod 2^62, which makes the sum divisible by 2^62 (no correction for f and g, whose
    /// rows the batch has already made divisible). One row at a time keeps the live values within the registers.
    /// </summary>
    private static Signed62 Combine(in Signed62 a, in Signed62 b, long x, long y, long m)
    {
        var c = Add(Mul(x, a.V0), Mul(y, b.V0));
        m -= (long)((TModulus.Inverse62 * c.Lo + (ulong)m) & M62);
        c = Add(c, Mul(TModulus.P0, m));
        Debug.Assert((c.Lo & M62) == 0, "the row plus p·m is divisible by 2^62");
        c = Shift62(c);
        c = Add(c, Add(Mul(x, a.V1), Mul(y, b.V1)));
        if (TModulus.P1 != 0) c = Add(c, Mul(TModulus.P1, m));
        long r0 = (long)(c.Lo & M62);
        c = Add(Shift62(c), Add(Mul(x, a.V2), Mul(y, b.V2)));
        if (TModulus.P2 != 0) c = Add(c, Mul(TModulus.P2, m));
        long r1 = (long)(c.Lo & M62);
        c = Add(Shift62(c), Add(Mul(x, a.V3), Mul(y, b.V3)));
        if (TModulus.P3 != 0) c = Add(c, Mul(TModulus.P3, m));
        long r2 = (long)(c.Lo & M62);
        c = Add(Shift62(c), Add(Mul(x, a.V4), Mul(y, b.V4)));
        if (TModulus.P4 != 0) c = Add(c, Mul(TModulus.P4, m));
        long r3 = (long)(c.Lo & M62);
        return new Signed62 { V0 = r0, V1 = r1, V2 = r2, V3 = r3, V4 = (long)Shift62(c).Lo };
    }

    /// <summary>(f, g) = [u v; q r]·(f, g) / 2^62. The batch made the low 62 bits of both rows zero.</summary>
    private static void UpdateFg(ref Signed62 f, ref Signed62 g, long u, long v, long q, long r)
    {
        var newF = Combine(f, g, u, v, 0);
        var newG = Combine(f, g, q, r, 0);
        f = newF;
        g = newG;
    }

    /// <summary>r in (-2p, p), negated when <paramref name="sign"/> is negative, brought into [0, p).</summary>
    private static Signed62 Normalize(Signed62 r, long sign)
    {
        long r0 = r.V0, r1 = r.V1, r2 = r.V2, r3 = r.V3, r4 = r.V4;
        // Add p when negative: (-2p, p) -> (-p, p).
        AddModulusWhen(r4 >> 63, ref r0, ref r1, ref r2, ref r3, ref r4);
        long negate = sign >> 63;
        r0 = (r0 ^ negate) - negate;
        r1 = (r1 ^ negate) - negate;
        r2 = (r2 ^ negate) - negate;
        r3 = (r3 ^ negate) - negate;
        r4 = (r4 ^ negate) - negate;
        Propagate(ref r0, ref r1, ref r2, ref r3, ref r4);
        // Add p once more when still negative: (-p, p) -> [0, p).
        AddModulusWhen(r4 >> 63, ref r0, ref r1, ref r2, ref r3, ref r4);
        Propagate(ref r0, ref r1, ref r2, ref r3, ref r4);
        return new Signed62 { V0 = r0, V1 = r1, V2 = r2, V3 = r3, V4 = r4 };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddModulusWhen(long mask, ref long r0, ref long r1, ref long r2, ref long r3, ref long r4)
    {
        r0 += TModulus.P0 & mask;
        r1 += TModulus.P1 & mask;
        r2 += TModulus.P2 & mask;
        r3 += TModulus.P3 & mask;
        r4 += TModulus.P4 & mask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Propagate(ref long r0, ref long r1, ref long r2, ref long r3, ref long r4)
    {
        r1 += r0 >> 62; r0 &= (long)M62;
        r2 += r1 >> 62; r1 &= (long)M62;
        r3 += r2 >> 62; r2 &= (long)M62;
        r4 += r3 >> 62; r3 &= (long)M62;
    }
}

/// <summary>A number as five signed 62-bit limbs (see <see cref="SafeGcdInverse{TModulus}"/>).</summary>
internal struct Signed62
{
    public long V0, V1, V2, V3, V4;
}
