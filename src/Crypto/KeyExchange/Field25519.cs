using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TlsEngine.Crypto;

/// <summary>
/// An element of GF(2^255 - 19) (RFC 7748 §4.1, RFC 8032 §5.1.1) as five 51-bit limbs, little-endian:
/// value = L0 + 2^51 L1 + 2^102 L2 + 2^153 L3 + 2^204 L4. Every operation's result has limbs below 2^52 ("loosely
/// reduced": the value is determined modulo p, not canonical until <see cref="ToBytes"/>), and every operation accepts
/// such inputs. Constant-time: no branch or memory access depends on a value.
/// </summary>
internal struct Field25519
{
    private const ulong Mask51 = (1UL << 51) - 1;

    public ulong L0, L1, L2, L3, L4;

    public static Field25519 One => new() { L0 = 1 };

    /// <summary>a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Field25519 Add(in Field25519 a, in Field25519 b) =>
        Carry(a.L0 + b.L0, a.L1 + b.L1, a.L2 + b.L2, a.L3 + b.L3, a.L4 + b.L4);

    /// <summary>a - b, computed as a + 4p - b so that no limb goes below zero (4p's limbs exceed 2^52 > b's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Field25519 Sub(in Field25519 a, in Field25519 b) =>
        Carry(a.L0 + ((1UL << 53) - 76) - b.L0, a.L1 + ((1UL << 53) - 4) - b.L1, a.L2 + ((1UL << 53) - 4) - b.L2,
            a.L3 + ((1UL << 53) - 4) - b.L3, a.L4 + ((1UL << 53) - 4) - b.L4);

    /// <summary>-a.</summary>
    public static Field25519 Negate(in Field25519 a) => Sub(default, a);

    /// <summary>
    /// a * b. Each limb product is taken with one factor shifted left by 12 bits (below 2^64 since limbs are below
    /// 2^52), so the high 64 bits of the 128-bit result are the product's bits 52 and up and the low 64 bits, shifted
    /// right by 12, its bits 0-51: five of each sum without overflow (the factor 19, from 2^255 ≡ 19, goes on the
    /// unshifted side), and no 128-bit additions are needed.
    /// </summary>
    public static Field25519 Mul(in Field25519 a, in Field25519 b) =>
        Bmi2.X64.IsSupported ? Mul<Bmi2High>(a, b) : Mul<PortableHigh>(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Field25519 Mul<T>(in Field25519 a, in Field25519 b) where T : struct, IHighMultiply
    {
        ulong a1 = 19 * a.L1, a2 = 19 * a.L2, a3 = 19 * a.L3, a4 = 19 * a.L4;
        ulong b0 = b.L0 << 12, b1 = b.L1 << 12, b2 = b.L2 << 12, b3 = b.L3 << 12, b4 = b.L4 << 12;
        ulong lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0, lo3 = 0, hi3 = 0, lo4 = 0, hi4 = 0;
        Acc<T>(ref lo0, ref hi0, a.L0, b0); Acc<T>(ref lo0, ref hi0, a1, b4); Acc<T>(ref lo0, ref hi0, a2, b3); Acc<T>(ref lo0, ref hi0, a3, b2); Acc<T>(ref lo0, ref hi0, a4, b1);
        Acc<T>(ref lo1, ref hi1, a.L0, b1); Acc<T>(ref lo1, ref hi1, a.L1, b0); Acc<T>(ref lo1, ref hi1, a2, b4); Acc<T>(ref lo1, ref hi1, a3, b3); Acc<T>(ref lo1, ref hi1, a4, b2);
        Acc<T>(ref lo2, ref hi2, a.L0, b2); Acc<T>(ref lo2, ref hi2, a.L1, b1); Acc<T>(ref lo2, ref hi2, a.L2, b0); Acc<T>(ref lo2, ref hi2, a3, b4); Acc<T>(ref lo2, ref hi2, a4, b3);
        Acc<T>(ref lo3, ref hi3, a.L0, b3); Acc<T>(ref lo3, ref hi3, a.L1, b2); Acc<T>(ref lo3, ref hi3, a.L2, b1); Acc<T>(ref lo3, ref hi3, a.L3, b0); Acc<T>(ref lo3, ref hi3, a4, b4);
        Acc<T>(ref lo4, ref hi4, a.L0, b4); Acc<T>(ref lo4, ref hi4, a.L1, b3); Acc<T>(ref lo4, ref hi4, a.L2, b2); Acc<T>(ref lo4, ref hi4, a.L3, b1); Acc<T>(ref lo4, ref hi4, a.L4, b0);
        return Combine(lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3, lo4, hi4);
    }

    /// <summary>a², with the symmetric products doubled instead of computed twice (the same split as <see cref="Mul"/>).</summary>
    public static Field25519 Square(in Field25519 a) =>
        Bmi2.X64.IsSupported ? Square<Bmi2High>(a) : Square<PortableHigh>(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Field25519 Square<T>(in Field25519 a) where T : struct, IHighMultiply
    {
        ulong d0 = 2 * a.L0, d1 = 2 * a.L1;
        ulong a1x38 = 38 * a.L1, a2x38 = 38 * a.L2, a3x19 = 19 * a.L3, a3x38 = 38 * a.L3, a4x19 = 19 * a.L4;
        ulong s0 = a.L0 << 12, s1 = a.L1 << 12, s2 = a.L2 << 12, s3 = a.L3 << 12, s4 = a.L4 << 12;
        ulong lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0, lo3 = 0, hi3 = 0, lo4 = 0, hi4 = 0;
        Acc<T>(ref lo0, ref hi0, a.L0, s0); Acc<T>(ref lo0, ref hi0, a1x38, s4); Acc<T>(ref lo0, ref hi0, a2x38, s3);
        Acc<T>(ref lo1, ref hi1, d0, s1); Acc<T>(ref lo1, ref hi1, a2x38, s4); Acc<T>(ref lo1, ref hi1, a3x19, s3);
        Acc<T>(ref lo2, ref hi2, d0, s2); Acc<T>(ref lo2, ref hi2, a.L1, s1); Acc<T>(ref lo2, ref hi2, a3x38, s4);
        Acc<T>(ref lo3, ref hi3, d0, s3); Acc<T>(ref lo3, ref hi3, d1, s2); Acc<T>(ref lo3, ref hi3, a4x19, s4);
        Acc<T>(ref lo4, ref hi4, d0, s4); Acc<T>(ref lo4, ref hi4, d1, s3); Acc<T>(ref lo4, ref hi4, a.L2, s2);
        return Combine(lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3, lo4, hi4);
    }

    /// <summary>
    /// 1/a; 0 for 0. Constant-time, by divsteps (<see cref="Inverse25519"/>): about half the cost of a^(p-2) by the usual
    /// chain of 254 squarings and 11 multiplications (RFC 8032 §5.1.1).
    /// </summary>
    public static Field25519 Invert(in Field25519 a) => Inverse25519.Invert(a);

    /// <summary>Replaces <paramref name="a"/> with <paramref name="b"/> when <paramref name="mask"/> is all ones; keeps it when zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(ref Field25519 a, in Field25519 b, ulong mask)
    {
        a.L0 ^= (a.L0 ^ b.L0) & mask;
        a.L1 ^= (a.L1 ^ b.L1) & mask;
        a.L2 ^= (a.L2 ^ b.L2) & mask;
        a.L3 ^= (a.L3 ^ b.L3) & mask;
        a.L4 ^= (a.L4 ^ b.L4) & mask;
    }

    /// <summary>The canonical 32-byte little-endian encoding (RFC 7748 §5: the value reduced modulo p).</summary>
    public readonly void ToBytes(Span<byte> destination)
    {
        // Two carry passes leave L1..L4 below 2^51 and the value below 2^255 + 19 (< 2p).
        var h = Carry(L0, L1, L2, L3, L4);
        h = Carry(h.L0, h.L1, h.L2, h.L3, h.L4);
        // q = 1 exactly when h ≥ p, i.e. when h + 19 reaches 2^255.
        ulong q = (h.L0 + 19) >> 51;
        q = (h.L1 + q) >> 51;
        q = (h.L2 + q) >> 51;
        q = (h.L3 + q) >> 51;
        q = (h.L4 + q) >> 51;
        // h - q·p = h + 19q - q·2^255: add 19q, carry through, and drop bit 255.
        ulong l0 = h.L0 + 19 * q;
        ulong l1 = h.L1 + (l0 >> 51); l0 &= Mask51;
        ulong l2 = h.L2 + (l1 >> 51); l1 &= Mask51;
        ulong l3 = h.L3 + (l2 >> 51); l2 &= Mask51;
        ulong l4 = (h.L4 + (l3 >> 51)) & Mask51; l3 &= Mask51;
        BinaryPrimitives.WriteUInt64LittleEndian(destination, l0 | (l1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (l1 >> 13) | (l2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (l2 >> 26) | (l3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (l3 >> 39) | (l4 << 12));
    }

    /// <summary>The element whose value is the little-endian 64-bit words w0..w3 (bit 255 is ignored).</summary>
    public static Field25519 FromWords(ulong w0, ulong w1, ulong w2, ulong w3) => new()
    {
        L0 = w0 & Mask51,
        L1 = ((w0 >> 51) | (w1 << 13)) & Mask51,
        L2 = ((w1 >> 38) | (w2 << 26)) & Mask51,
        L3 = ((w2 >> 25) | (w3 << 39)) & Mask51,
        L4 = (w3 >> 12) & Mask51,
    };

    /// <summary>A constant (not secret) from its integer value, for setting up tables.</summary>
    public static Field25519 FromInteger(BigInteger value)
    {
        var p = (BigInteger.One << 255) - 19;
        value %= p;
        if (value.Sign < 0) value += p;
        ulong Limb(int i) => (ulong)((value >> (51 * i)) & Mask51);
        return new Field25519 { L0 = Limb(0), L1 = Limb(1), L2 = Limb(2), L3 = Limb(3), L4 = Limb(4) };
    }

    /// <summary>Adds x · y, y = z · 2^12 with z below 2^52, as bits 0-51 to <paramref name="lo"/> and bits 52 and up to <paramref name="hi"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acc<T>(ref ulong lo, ref ulong hi, ulong x, ulong y) where T : struct, IHighMultiply
    {
        lo += (x * y) >> 12;
        hi += T.High(x, y);
    }

    /// <summary>Limb i of a product is lo_i + 2^52 hi_i; carries each hi (and lo's excess over 51 bits) into the next limb.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Field25519 Combine(ulong lo0, ulong hi0, ulong lo1, ulong hi1, ulong lo2, ulong hi2, ulong lo3, ulong hi3, ulong lo4, ulong hi4)
    {
        ulong c = 2 * hi0 + (lo0 >> 51); ulong l0 = lo0 & Mask51;
        lo1 += c; c = 2 * hi1 + (lo1 >> 51); ulong l1 = lo1 & Mask51;
        lo2 += c; c = 2 * hi2 + (lo2 >> 51); ulong l2 = lo2 & Mask51;
        lo3 += c; c = 2 * hi3 + (lo3 >> 51); ulong l3 = lo3 & Mask51;
        lo4 += c; c = 2 * hi4 + (lo4 >> 51); ulong l4 = lo4 & Mask51;
        // 2^255 ≡ 19 (mod p).
        l0 += 19 * c;
        l1 += l0 >> 51; l0 &= Mask51;
        return new Field25519 { L0 = l0, L1 = l1, L2 = l2, L3 = l3, L4 = l4 };
    }

    /// <summary>One carry pass over limbs below 2^63: L0 and L2..L4 end below 2^51, L1 below 2^52.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Field25519 Carry(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        l1 += l0 >> 51; l0 &= Mask51;
        l2 += l1 >> 51; l1 &= Mask51;
        l3 += l2 >> 51; l2 &= Mask51;
        l4 += l3 >> 51; l3 &= Mask51;
        l0 += 19 * (l4 >> 51); l4 &= Mask51;
        l1 += l0 >> 51; l0 &= Mask51;
        return new Field25519 { L0 = l0, L1 = l1, L2 = l2, L3 = l3, L4 = l4 };
    }
}
