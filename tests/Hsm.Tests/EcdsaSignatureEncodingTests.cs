using System.Security.Cryptography;
using TlsEngine.Crypto;

namespace TlsEngine.Hsm.Tests;

public sealed class EcdsaSignatureEncodingTests
{
    [Fact]
    public void SmallValuesLoseLeadingZeros()
    {
        var raw = new byte[64];
        raw[31] = 0x01;
        raw[63] = 0x7F;
        Assert.Equal(Convert.FromHexString("3006020101" + "02017F"), EcdsaSignatureEncoding.RawToDer(raw, 32));
    }

    [Fact]
    public void HighBitGetsAZeroPrefix()
    {
        var raw = new byte[64];
        raw.AsSpan(0, 32).Fill(0xFF);
        raw.AsSpan(32, 32).Fill(0x80);
        var der = EcdsaSignatureEncoding.RawToDer(raw, 32);
        Assert.Equal(0x30, der[0]);
        Assert.Equal(2 * 35, der[1]);
        Assert.Equal(Convert.FromHexString("022100" + new string('F', 64)), der[2..37]);
        Assert.Equal(Convert.FromHexString("022100" + string.Concat(Enumerable.Repeat("80", 32))), der[37..]);
    }

    [Fact]
    public void ZeroAfterLeadingZerosAndHighBitAfterStripping()
    {
        var raw = new byte[96];
        raw[2] = 0x80; // r = 0x80 followed by zeros: two leading zeros dropped, one 0x00 added back
        Assert.Equal(Convert.FromHexString("022F0080" + new string('0', 90)), EcdsaSignatureEncoding.RawToDer(raw, 48)[2..51]);
        Assert.Equal(Convert.FromHexString("020100"), EcdsaSignatureEncoding.RawToDer(raw, 48)[51..]); // s = 0
    }

    [Fact]
    public void P384MaximalSignatureUsesShortFormLength()
    {
        var raw = Enumerable.Repeat((byte)0xC0, 96).ToArray();
        var der = EcdsaSignatureEncoding.RawToDer(raw, 48);
        Assert.Equal(102, der[1]); // 2 × (2 + 49) < 128
        Assert.Equal(104, der.Length);
    }

    [Fact]
    public void LongFormLengthWhenTheSequenceReaches128Bytes()
    {
        var raw = Enumerable.Repeat((byte)0xC0, 132).ToArray(); // P-521-sized scalars
        var der = EcdsaSignatureEncoding.RawToDer(raw, 66);
        Assert.Equal(new byte[] { 0x30, 0x81, 2 * 69 }, der[..3]);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(48)]
    public void MatchesTheBclConversionOnRandomSignatures(int fieldSize)
    {
        using var key = ECDsa.Create(fieldSize == 32 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        for (int i = 0; i < 200; i++)
        {
            var hash = RandomNumberGenerator.GetBytes(fieldSize);
            var raw = key.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var der = EcdsaSignatureEncoding.RawToDer(raw, fieldSize);
            Assert.True(key.VerifyHash(hash, der, DSASignatureFormat.Rfc3279DerSequence));
        }
    }

    [Fact]
    public void WrongLengthIsASigningException()
    {
        Assert.Throws<SigningException>(() => EcdsaSignatureEncoding.RawToDer(new byte[63], 32));
    }
}
