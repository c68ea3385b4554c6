using Fn = TlsEngine.Crypto.Montgomery<TlsEngine.Crypto.P256Curve.OrderModulus>;
using Fp = TlsEngine.Crypto.P256Field;

namespace TlsEngine.Crypto;

/// <summary>
/// Precomputed multiples of one P-256 point B for ECDSA verification (FIPS 186-4 §6.4.2, SEC 1 §4.1.4): the window
/// multiples k·256^i·B for i = 0..31 and k = 1..128, affine, and 2^256·B. A scalar u written in 32 signed base-256
/// digits (in [-128, 128), with a carry of 0 or 1 out of the top) makes u·B a sum of at most 33 table points, with no
/// doubling. A verification u1·G + u2·Q with a table for G and one for the public key Q is then about 64 mixed
/// additions, where a variable-base multiplication needs some 256 doublings. A table takes 256 KiB and some 16 ms
/// to build, so it is worth it for a key that verifies many signatures: a trust anchor, or a peer key
/// kept by the validated-chain cache. Not constant-time: every value in a verification is public.
/// </summary>
internal sealed class P256VerificationTable
{
    private const int Windows = 32;
    private const int PerWindow = 128;

    private static readonly Lazy<P256VerificationTable> GeneratorTable = new(() => new P256VerificationTable(P256Curve.Generator, counted: false));

    /// <summary>Entry i·128 + (k - 1) is k·256^i·B; the last entry is 2^256·B.</summary>
    private readonly PackedAffine[] _points = new PackedAffine[Windows * PerWindow + 1];

    /// <summary>Whether <see cref="P256VerificationTables"/> counts this table among the live ones.</summary>
    private readonly bool _counted;

    /// <summary>Builds the table of a point (checked to lie on the curve, as every point here must).</summary>
    public P256VerificationTable(in P256Curve.Affine point, bool counted)
    {
        if (!P256Curve.IsOnCurve(point))
            throw new ArgumentException("point not on P-256");
        var windowBase = point;
        var multiples = new P256Curve.Jacobian[PerWindow];
        var affine = new P256Curve.Affine[PerWindow];
        for (int i = 0; i < Windows; i++)
        {
            multiples[0] = P256Curve.Jacobian.FromAffine(windowBase);
            multiples[1] = P256Curve.Double(multiples[0]);
            for (int k = 2; k < PerWindow; k++)
                multiples[k] = P256Curve.Add(multiples[k - 1], windowBase);
            P256Curve.ToAffine(multiples, affine);
            for (int k = 0; k < PerWindow; k++)
                _points[i * PerWindow + k] = PackedAffine.Pack(affine[k]);
            // 256^(i+1)·B = 2·(128·256^i·B).
            windowBase = P256Curve.ToAffine(P256Curve.Double(multiples[PerWindow - 1]));
        }
        _points[Windows * PerWindow] = PackedAffine.Pack(windowBase);
        _counted = counted;
        if (!counted)
            GC.SuppressFinalize(this);
    }

    ~P256VerificationTable()
    {
        if (_counted)
            P256VerificationTables.Release();
    }

    /// <summary>The table of the base point G, built on first use.</summary>
    public static P256VerificationTable Generator => GeneratorTable.Value;

    /// <summary>
    /// True when the DER ECDSA-Sig-Value <paramref name="signature"/> verifies over <paramref name="digest"/> with this
    /// table's point as the public key (SEC 1 §4.1.4); false for a wrong or malformed signature.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (!EcdsaSignatureDer.TryParse(signature, out U256 r, out U256 s))
            return false;
        var n = Fn.Modulus;
        if (r.IsZero || s.IsZero || !U256.Less(r, n) || !U256.Less(s, n))
            return false;
        // e: the leftmost 256 bits of the digest (SEC 1 §4.1.3 step 5), or all of a shorter one.
        Span<byte> e32 = stackalloc byte[32];
        e32.Clear();
        if (digest.Length >= 32)
            digest[..32].CopyTo(e32);
        else
            digest.CopyTo(e32[(32 - digest.Length)..]);
        var e = U256.FromBigEndian(e32);
        // w = s^-1, u1 = e·w, u2 = r·w (mod n). Multiply leaves a factor 2^-256 that ToMontgomery takes back out.
        SafeGcdInverse<P256Curve.OrderModulus>.Invert(s.W0, s.W1, s.W2, s.W3, out ulong w0, out ulong w1, out ulong w2, out ulong w3);
        var w = new U256(w0, w1, w2, w3);
        var u1 = Fn.ToMontgomery(Fn.Multiply(e, w));
        var u2 = Fn.ToMontgomery(Fn.Multiply(r, w));
        var sum = default(P256Curve.Jacobian);
        Generator.Accumulate(ref sum, u1);
        Accumulate(ref sum, u2);
        if (sum.IsInfinity)
            return false;
        // x(R) mod n == r, without an inversion: X == r·Z² in GF(p), or (r + n)·Z² when r + n is still below p.
        var z2 = Fp.Square(sum.Z);
        if (Fp.Equal(sum.X, Fp.Multiply(Fp.ToMontgomery(r), z2)))
            return true;
        var rn = U256.Add(r, n, out ulong carry);
        return carry == 0 && U256.Less(rn, Fp.Modulus) && Fp.Equal(sum.X, Fp.Multiply(Fp.ToMontgomery(rn), z2));
    }

    /// <summary>sum += u·B for u below 2^256.</summary>
    public void Accumulate(ref P256Curve.Jacobian sum, in U256 u)
    {
        int carry = 0;
        for (int i = 0; i < Windows; i++)
        {
            int digit = (int)(u.Word(i >> 3) >> ((i & 7) * 8) & 0xff) + carry;
            carry = digit >= PerWindow ? 1 : 0;
            digit -= carry << 8;
            if (digit > 0)
                sum = P256Curve.Add(sum, _points[i * PerWindow + digit - 1].Unpack());
            else if (digit < 0)
                sum = P256Curve.Add(sum, P256Curve.Negate(_points[i * PerWindow - digit - 1].Unpack()));
        }
        if (carry != 0)
            sum = P256Curve.Add(sum, _points[Windows * PerWindow].Unpack());
    }

    /// <summary>An affine point with its coordinates packed in 64-bit words: 64 bytes an entry, where the limbs take 80.</summary>
    private struct PackedAffine
    {
        public U256 X, Y;

        public static PackedAffine Pack(in P256Curve.Affine a) => new() { X = Fp.Pack(a.X), Y = Fp.Pack(a.Y) };

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public readonly P256Curve.Affine Unpack() => new() { X = Fp.Unpack(X), Y = Fp.Unpack(Y) };
    }
}
