using System.Runtime.Intrinsics.X86;

namespace TlsEngine.Crypto;

/// <summary>
/// The high 64 bits of a 64 × 64-bit product, for the field multiplications that split each limb product into a low
/// and a high part (<see cref="Field25519"/>, <see cref="P256Field"/>). Chosen once per multiplication, as a type
/// argument, rather than per limb product, so the products run without a branch (which also keeps fuzzing
/// instrumentation, one counter per branch, out of them).
/// </summary>
internal interface IHighMultiply
{
    static abstract ulong High(ulong x, ulong y);
}

/// <summary>The high half alone with BMI2's MULX: Math.BigMul's out parameter makes the JIT keep the low half in memory.</summary>
internal readonly struct Bmi2High : IHighMultiply
{
    public static ulong High(ulong x, ulong y) => Bmi2.X64.MultiplyNoFlags(x, y);
}

/// <summary>The high half where BMI2 is missing.</summary>
internal readonly struct PortableHigh : IHighMultiply
{
    public static ulong High(ulong x, ulong y) => Math.BigMul(x, y, out _);
}
