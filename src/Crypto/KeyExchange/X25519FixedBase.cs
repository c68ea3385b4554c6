using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace TlsEngine.Crypto;

/// <summary>
/// An X25519 public key, X25519(k, 9) (RFC 7748 §5, §6.1), computed on the equivalent twisted Edwards curve
/// edwards25519 with a table of fixed multiples of its base point, then mapped to the Montgomery u-coordinate
/// (RFC 7748 §4.1: u = (1 + y) / (1 - y)). A fixed-base multiplication costs about half the variable-base Montgomery
/// ladder that a key generation would otherwise run; key shares are made once per handshake on each side.
/// </summary>
/// <remarks>
/// The clamped scalar (decodeScalar25519) is written in 43 signed base-64 digits d_i in [-32, 32), so
/// k·B = Σ d_i 64^i B. The table holds 1..32 times 64^i B for i = 0..42 (176 KiB, built on first use), as
/// (y + x, y - x, 2dxy) (affine, which makes each addition 7 multiplications), so the sum is 43 additions and no
/// doubling — where 4-bit digits took 64 additions and 4 doublings; reading 32 entries per digit costs far less than
/// the 21 additions saved. Additions use RFC 8032 §5.1.4's complete formulas in extended coordinates. Constant-time:
/// every digit reads all 32 table entries of its row (vector selects under a mask), and negation is a masked select.
/// </remarks>
internal static class X25519FixedBase
{
    private const int DigitBits = 6;
    private const int Rows = 43; // 258 bits: the 255-bit scalar and the carry out of its top digit
    private const int PerRow = 32;
    private const int LimbsPerEntry = 16;

    private struct Extended
    {
        public Field25519 X, Y, Z, T;
    }

    // Padded to 16 limbs, a whole number of 256-bit vectors, for the table reads.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 128)]
    private struct Niels
    {
        public Field25519 YPlusX, YMinusX, XY2D;
    }

    // RFC 7748 §4.1: edwards25519's d and its base point (X(P), Y(P)).
    private static readonly BigInteger D = BigInteger.Parse("37095705934669439343138083508754565189542113879843219016388785533085940283555");
    private static readonly BigInteger BaseX = BigInteger.Parse("15112221349535400772501151409588531511454012693041857206046113283949847762202");
    private static readonly BigInteger BaseY = BigInteger.Parse("46316835694926478169428394003475163141307993866256225615783033603165251855960");

    private static readonly Field25519 D2 = Field25519.FromInteger(2 * D);

    private static readonly Lazy<Niels[]> Table = new(BuildTable);

    /// <summary>Writes X25519(<paramref name="privateKey"/>, 9) to the first 32 bytes of <paramref name="publicKey"/>.</summary>
    public static void PublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        if (privateKey.Length != 32 || publicKey.Length < 32) throw new ArgumentException("X25519 keys are 32 bytes");
        var table = Table.Value;
        Span<sbyte> digits = stackalloc sbyte[Rows];
        var h = new Extended { Y = Field25519.One, Z = Field25519.One };
        try
        {
            Recode(privateKey, digits);
            for (int i = 0; i < Rows; i++) AddTo(ref h, Lookup(table, i, digits[i]));
            // y = Y/Z, so u = (Z + Y) / (Z - Y).
            var u = Field25519.Mul(Field25519.Add(h.Z, h.Y), Field25519.Invert(Field25519.Sub(h.Z, h.Y)));
            u.ToBytes(publicKey);
        }
        finally
        {
            // The digits are the private key rewritten; the field values left in dead locals are not reachable.
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(digits));
        }
    }

    /// <summary>decodeScalar25519 (RFC 7748 §5), then 43 signed digits in [-32, 32) (the last in [0, 8]) summing to it in base 64.</summary>
    private static void Recode(ReadOnlySpan<byte> privateKey, Span<sbyte> digits)
    {
        Span<byte> k = stackalloc byte[33];
        privateKey.CopyTo(k);
        k[0] &= 248;
        k[31] = (byte)((k[31] & 127) | 64);
        k[32] = 0;
        int carry = 0;
        for (int i = 0; i < Rows; i++)
        {
            // Bits 6i .. 6i + 5 of the scalar, from the two bytes that hold them.
            int bit = i * DigitBits;
            int chunk = ((k[bit >> 3] | (k[(bit >> 3) + 1] << 8)) >> (bit & 7)) & 63;
            int v = chunk + carry;
            carry = (v + 32) >> 6;
            digits[i] = (sbyte)(v - (carry << 6));
        }
        CryptographicOperations.ZeroMemory(k);
    }

    /// <summary>digit · 64^row · B from the table, reading every entry of the row.</summary>
    private static Niels Lookup(Niels[] table, int row, sbyte digit)
    {
        int d = digit;
        int negative = (d >> 31) & 1;
        int magnitude = d - ((-negative & d) << 1);
        // Start from the neutral element (y = 1, x = 0: YPlusX = YMinusX = 1, limbs 0 and 5) and keep the entry whose
        // multiple is the magnitude, the 16 limbs of an entry in four 256-bit vectors.
        Niels t = default;
        ref ulong limbs = ref Unsafe.As<Niels, ulong>(ref t);
        ref ulong row0 = ref Unsafe.As<Niels, ulong>(ref table[row * PerRow]);
        var v0 = Vector256.Create(1UL, 0, 0, 0);
        var v1 = Vector256.Create(0UL, 1, 0, 0);
        var v2 = Vector256<ulong>.Zero;
        var v3 = Vector256<ulong>.Zero;
        for (int j = 0; j < PerRow; j++)
        {
            var mask = Vector256.Create(Equal(magnitude, j + 1));
            nuint at = (nuint)(j * LimbsPerEntry);
            v0 = Vector256.ConditionalSelect(mask, Vector256.LoadUnsafe(ref row0, at), v0);
            v1 = Vector256.ConditionalSelect(mask, Vector256.LoadUnsafe(ref row0, at + 4), v1);
            v2 = Vector256.ConditionalSelect(mask, Vector256.LoadUnsafe(ref row0, at + 8), v2);
            v3 = Vector256.ConditionalSelect(mask, Vector256.LoadUnsafe(ref row0, at + 12), v3);
        }
        v0.StoreUnsafe(ref limbs, 0);
        v1.StoreUnsafe(ref limbs, 4);
        v2.StoreUnsafe(ref limbs, 8);
        v3.StoreUnsafe(ref limbs, 12);
        // -(x, y) = (-x, y): y + x and y - x trade places, 2dxy changes sign.
        ulong negate = 0 - (ulong)negative;
        var swapped = t.YMinusX;
        Field25519.Select(ref t.YMinusX, t.YPlusX, negate);
        Field25519.Select(ref t.YPlusX, swapped, negate);
        Field25519.Select(ref t.XY2D, Field25519.Negate(t.XY2D), negate);
        return t;
    }

    /// <summary>All ones when a == b (both small and non-negative), else zero.</summary>
    private static ulong Equal(int a, int b) => 0 - (((ulong)(uint)(a ^ b) - 1) >> 63);

    /// <summary>h += q, q affine (Z = 1): RFC 8032 §5.1.4's addition with Z2 = 1 and T2·2d precomputed.</summary>
    private static void AddTo(ref Extended h, in Niels q)
    {
        var a = Field25519.Mul(Field25519.Sub(h.Y, h.X), q.YMinusX);
        var b = Field25519.Mul(Field25519.Add(h.Y, h.X), q.YPlusX);
        var c = Field25519.Mul(h.T, q.XY2D);
        var d = Field25519.Add(h.Z, h.Z);
        Finish(ref h, a, b, c, d);
    }

    /// <summary>The full addition of RFC 8032 §5.1.4 (for building the table; the points are public).</summary>
    private static Extended Add(in Extended p, in Extended q)
    {
        var r = p;
        var a = Field25519.Mul(Field25519.Sub(p.Y, p.X), Field25519.Sub(q.Y, q.X));
        var b = Field25519.Mul(Field25519.Add(p.Y, p.X), Field25519.Add(q.Y, q.X));
        var c = Field25519.Mul(Field25519.Mul(p.T, D2), q.T);
        var z = Field25519.Mul(p.Z, q.Z);
        Finish(ref r, a, b, c, Field25519.Add(z, z));
        return r;
    }

    // E = B - A, F = D - C, G = D + C, H = B + A; X3 = E·F, Y3 = G·H, T3 = E·H, Z3 = F·G.
    private static void Finish(ref Extended r, in Field25519 a, in Field25519 b, in Field25519 c, in Field25519 d)
    {
        var e = Field25519.Sub(b, a);
        var f = Field25519.Sub(d, c);
        var g = Field25519.Add(d, c);
        var h = Field25519.Add(b, a);
        r.X = Field25519.Mul(e, f);
        r.Y = Field25519.Mul(g, h);
        r.T = Field25519.Mul(e, h);
        r.Z = Field25519.Mul(f, g);
    }

    /// <summary>2p, RFC 8032 §5.1.4's doubling.</summary>
    private static Extended Double(in Extended p)
    {
        var a = Field25519.Square(p.X);
        var b = Field25519.Square(p.Y);
        var zz = Field25519.Square(p.Z);
        var c = Field25519.Add(zz, zz);
        var h = Field25519.Add(a, b);
        var e = Field25519.Sub(h, Field25519.Square(Field25519.Add(p.X, p.Y)));
        var g = Field25519.Sub(a, b);
        var f = Field25519.Add(c, g);
        return new Extended
        {
            X = Field25519.Mul(e, f),
            Y = Field25519.Mul(g, h),
            T = Field25519.Mul(e, h),
            Z = Field25519.Mul(f, g),
        };
    }

    /// <summary>
    /// Row i holds 1..32 · 64^i · B in affine (y + x, y - x, 2dxy) form. The 1,376 points are made in extended
    /// coordinates, then brought to affine with one inversion for all (Montgomery's trick).
    /// </summary>
    private static Niels[] BuildTable()
    {
        var points = new Extended[Rows * PerRow];
        var x = Field25519.FromInteger(BaseX);
        var y = Field25519.FromInteger(BaseY);
        var rowBase = new Extended { X = x, Y = y, Z = Field25519.One, T = Field25519.Mul(x, y) };
        for (int row = 0; row < Rows; row++)
        {
            var multiple = rowBase;
            for (int j = 0; j < PerRow; j++)
            {
                points[row * PerRow + j] = multiple;
                multiple = Add(multiple, rowBase);
            }
            for (int i = 0; i < DigitBits; i++) rowBase = Double(rowBase);
        }
        // prefix[k] = Z_0 ... Z_(k-1); then 1/Z_k = prefix[k] / (Z_0 ... Z_k), peeled off from the end.
        var prefix = new Field25519[points.Length];
        var product = Field25519.One;
        for (int k = 0; k < points.Length; k++)
        {
            prefix[k] = product;
            product = Field25519.Mul(product, points[k].Z);
        }
        var inverse = Field25519.Invert(product);
        var table = new Niels[points.Length];
        for (int k = points.Length - 1; k >= 0; k--)
        {
            var zInverse = Field25519.Mul(inverse, prefix[k]);
            inverse = Field25519.Mul(inverse, points[k].Z);
            var px = Field25519.Mul(points[k].X, zInverse);
            var py = Field25519.Mul(points[k].Y, zInverse);
            table[k] = new Niels
            {
                YPlusX = Field25519.Add(py, px),
                YMinusX = Field25519.Sub(py, px),
                XY2D = Field25519.Mul(Field25519.Mul(px, py), D2),
            };
        }
        return table;
    }
}
