using System.Runtime.CompilerServices;
using Fp = TlsEngine.Crypto.P256Field;

namespace TlsEngine.Crypto;

/// <summary>
/// The curve P-256 (FIPS 186-4 §D.1.2.3, SEC 2 §2.4.2): y² = x³ - 3x + b over GF(p), of prime order n. Points are in
/// Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the point at infinity) with coordinates in Montgomery form, added
/// by the formulas of the Explicit-Formulas Database for a = -3. Not constant-time: the formulas branch on equal
/// and opposite points, which is right for verification, where every value is public.
/// </summary>
internal static class P256Curve
{
    /// <summary>The group order n.</summary>
    public readonly struct OrderModulus : IMontgomeryModulus, ISafeGcdModulus
    {
        public static ulong M0 => 0xf3b9cac2fc632551;
        public static ulong M1 => 0xbce6faada7179e84;
        public static ulong M2 => 0xffffffffffffffff;
        public static ulong M3 => 0xffffffff00000000;
        public static ulong NegativeInverse => 0xccd1c8aaee00bc4f;

        // n in signed 62-bit limbs, and n^-1 mod 2^62, for the divsteps inversion.
        public static long P0 => 0x33b9cac2fc632551;
        public static long P1 => 0x339beab69c5e7a13;
        public static long P2 => 0x3ffffffffffffffb;
        public static long P3 => 0x3fffffc00000003f;
        public static long P4 => 0xff;
        public static ulong Inverse62 => 0x332e375511ff43b1;
    }

    // Static fields are initialised in the order written: b and 3 before the generator, which is checked on the curve.
    private static readonly P256Field B = Fp.ToMontgomery(new U256(0x3bce3c3e27d2604b, 0x651d06b0cc53b0f6, 0xb3ebbd55769886bc, 0x5ac635d8aa3a93e7));
    private static readonly P256Field Three = Fp.ToMontgomery(new U256(3, 0, 0, 0));

    /// <summary>The base point G.</summary>
    public static readonly Affine Generator = FromCoordinates(
        new U256(0xf4a13945d898c296, 0x77037d812deb33a0, 0xf8bce6e563a440f2, 0x6b17d1f2e12c4247),
        new U256(0xcbb6406837bf51f5, 0x2bce33576b315ece, 0x8ee7eb4a7c0f9e16, 0x4fe342e2fe1a7f9b));

    /// <summary>An affine point (x, y), coordinates in Montgomery form. The point at infinity has no affine form.</summary>
    public struct Affine
    {
        public P256Field X, Y;
    }

    /// <summary>A point in Jacobian coordinates; Z = 0 is the point at infinity.</summary>
    public struct Jacobian
    {
        public P256Field X, Y, Z;

        public readonly bool IsInfinity => Z.IsZero;

        public static Jacobian FromAffine(in Affine a) => new() { X = a.X, Y = a.Y, Z = Fp.One };
    }

    /// <summary>
    /// The affine point with these plain (not Montgomery) coordinates, or throws when they are not below p or the point
    /// is not on the curve.
    /// </summary>
    public static Affine FromCoordinates(in U256 x, in U256 y)
    {
        if (!U256.Less(x, Fp.Modulus) || !U256.Less(y, Fp.Modulus))
            throw new ArgumentException("P-256 coordinate not below p");
        var point = new Affine { X = Fp.ToMontgomery(x), Y = Fp.ToMontgomery(y) };
        if (!IsOnCurve(point))
            throw new ArgumentException("point not on P-256");
        return point;
    }

    /// <summary>y² = x³ - 3x + b.</summary>
    public static bool IsOnCurve(in Affine a)
    {
        var x2 = Fp.Square(a.X);
        var rhs = Fp.Multiply(Fp.Subtract(x2, Three), a.X);
        rhs = Fp.Add(rhs, B);
        return Fp.Equal(Fp.Square(a.Y), rhs);
    }

    public static Affine Negate(in Affine a) => new() { X = a.X, Y = Fp.Negate(a.Y) };

    /// <summary>2P: dbl-2001-b (a = -3), 3M + 5S.</summary>
    public static Jacobian Double(in Jacobian p)
    {
        if (p.IsInfinity || p.Y.IsZero)
            return default;
        var delta = Fp.Square(p.Z);
        var gamma = Fp.Square(p.Y);
        var beta = Fp.Multiply(p.X, gamma);
        var alpha = Fp.Multiply(Fp.Subtract(p.X, delta), Fp.Add(p.X, delta));
        alpha = Fp.Add(Fp.Add(alpha, alpha), alpha);
        var beta4 = Twice(Twice(beta));
        var x3 = Fp.Subtract(Fp.Square(alpha), Twice(beta4));
        var z3 = Fp.Subtract(Fp.Subtract(Fp.Square(Fp.Add(p.Y, p.Z)), gamma), delta);
        var gamma2 = Fp.Square(gamma);
        var y3 = Fp.Subtract(Fp.Multiply(alpha, Fp.Subtract(beta4, x3)), Twice(Twice(Twice(gamma2))));
        return new Jacobian { X = x3, Y = y3, Z = z3 };
    }

    /// <summary>P + Q with Q affine: madd-2007-bl, 7M + 4S; the doubling and the point at infinity where they arise.</summary>
    public static Jacobian Add(in Jacobian p, in Affine q)
    {
        if (p.IsInfinity)
            return Jacobian.FromAffine(q);
        var z1z1 = Fp.Square(p.Z);
        var u2 = Fp.Multiply(q.X, z1z1);
        var s2 = Fp.Multiply(q.Y, Fp.Multiply(p.Z, z1z1));
        var h = Fp.Subtract(u2, p.X);
        var r = Fp.Subtract(s2, p.Y);
        if (h.IsZero)
            return r.IsZero ? Double(p) : default;
        var hh = Fp.Square(h);
        var i = Twice(Twice(hh));
        var j = Fp.Multiply(h, i);
        r = Twice(r);
        var v = Fp.Multiply(p.X, i);
        var x3 = Fp.Subtract(Fp.Subtract(Fp.Square(r), j), Twice(v));
        var y3 = Fp.Subtract(Fp.Multiply(r, Fp.Subtract(v, x3)), Twice(Fp.Multiply(p.Y, j)));
        var z3 = Fp.Subtract(Fp.Subtract(Fp.Square(Fp.Add(p.Z, h)), z1z1), hh);
        return new Jacobian { X = x3, Y = y3, Z = z3 };
    }

    /// <summary>The affine form of a point not at infinity.</summary>
    public static Affine ToAffine(in Jacobian point)
    {
        Span<Affine> affine = stackalloc Affine[1];
        ToAffine([point], affine);
        return affine[0];
    }

    /// <summary>
    /// Affine forms of Jacobian points, none at infinity, with one inversion for all (Montgomery's trick: invert the
    /// product of the Z's, then peel each inverse off it).
    /// </summary>
    public static void ToAffine(ReadOnlySpan<Jacobian> points, Span<Affine> affine)
    {
        var prefix = new P256Field[points.Length];
        var product = Fp.One;
        for (int k = 0; k < points.Length; k++)
        {
            if (points[k].IsInfinity)
                throw new ArgumentException("the point at infinity has no affine form");
            prefix[k] = product;
            product = Fp.Multiply(product, points[k].Z);
        }
        var inverse = Fp.Invert(product);
        for (int k = points.Length - 1; k >= 0; k--)
        {
            var zInverse = Fp.Multiply(inverse, prefix[k]);
            inverse = Fp.Multiply(inverse, points[k].Z);
            var zInverse2 = Fp.Square(zInverse);
            affine[k] = new Affine
            {
                X = Fp.Multiply(points[k].X, zInverse2),
                Y = Fp.Multiply(points[k].Y, Fp.Multiply(zInverse2, zInverse)),
            };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256Field Twice(in P256Field a) => Fp.Add(a, a);
}
