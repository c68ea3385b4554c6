using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TlsEngine.Crypto;

/// <summary>
/// An unsigned 256-bit number as four little-endian 64-bit words, for P-256 signature verification. Not constant-time
/// (carries are comparisons, which the JIT may compile to branches): for public values only.
/// </summary>
internal struct U256
{
    public ulong W0, W1, W2, W3;

    public U256(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        W0 = w0;
        W1 = w1;
        W2 = w2;
        W3 = w3;
    }

    public readonly ulong Word(int index) => index switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };

    public readonly bool IsZero => (W0 | W1 | W2 | W3) == 0;

    /// <summary>Reads 32 big-endian bytes.</summary>
    public static U256 FromBigEndian(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]), BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), BinaryPrimitives.ReadUInt64BigEndian(bytes));

    public static U256 FromInteger(BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[32];
        if (value.Sign < 0 || !value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false))
            throw new ArgumentOutOfRangeException(nameof(value));
        return new(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
    }

    public readonly BigInteger ToInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, W0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], W1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], W2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], W3);
        return new BigInteger(bytes, isUnsigned: true);
    }

    /// <summary>a &lt; b.</summary>
    public static bool Less(in U256 a, in U256 b)
    {
        Subtract(a, b, out ulong borrow);
        return borrow != 0;
    }

    /// <summary>a + b mod 2^256, with the carry out (0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Add(in U256 a, in U256 b, out ulong carry)
    {
        ulong c = 0;
        ulong w0 = AddCarry(a.W0, b.W0, ref c);
        ulong w1 = AddCarry(a.W1, b.W1, ref c);
        ulong w2 = AddCarry(a.W2, b.W2, ref c);
        ulong w3 = AddCarry(a.W3, b.W3, ref c);
        carry = c;
        return new(w0, w1, w2, w3);
    }

    /// <summary>a - b mod 2^256, with the borrow out (0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Subtract(in U256 a, in U256 b, out ulong borrow)
    {
        ulong c = 0;
        ulong w0 = SubBorrow(a.W0, b.W0, ref c);
        ulong w1 = SubBorrow(a.W1, b.W1, ref c);
        ulong w2 = SubBorrow(a.W2, b.W2, ref c);
        ulong w3 = SubBorrow(a.W3, b.W3, ref c);
        borrow = c;
        return new(w0, w1, w2, w3);
    }

    // Carries by comparison (the JIT makes them setb/adc): every value here is public (see the class remarks).

    /// <summary>a + b + carry; carry becomes the carry out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddCarry(ulong a, ulong b, ref ulong carry)
    {
        ulong sum = a + b;
        ulong result = sum + carry;
        carry = (sum < a ? 1UL : 0UL) + (result < sum ? 1UL : 0UL);
        return result;
    }

    /// <summary>a - b - borrow; borrow becomes the borrow out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubBorrow(ulong a, ulong b, ref ulong borrow)
    {
        ulong difference = a - b;
        ulong result = difference - borrow;
        borrow = (a < b ? 1UL : 0UL) + (difference < borrow ? 1UL : 0UL);
        return result;
    }

    /// <summary>
    /// The high half of a·b without BMI2. Apart from the caller: Math.BigMul's out parameter would keep a local of the
    /// caller in memory (the high half alone from mulx, and the low half from a plain multiplication, stay in registers).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong PortableHigh(ulong a, ulong b) => Math.BigMul(a, b, out _);

    /// <summary>a·b + c + d as a 128-bit value (it cannot overflow): returns the high word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulAdd(ulong a, ulong b, ulong c, ulong d, out ulong low)
    {
        ulong high = Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : PortableHigh(a, b);
        ulong product = a * b;
        ulong sum = product + c;
        high += sum < c ? 1UL : 0UL;
        ulong result = sum + d;
        high += result < d ? 1UL : 0UL;
        low = result;
        return high;
    }
}
