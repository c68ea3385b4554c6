namespace TlsEngine.Crypto.Tests;

/// <summary>
/// The engine's random source fills whole buffers of any size, through getrandom(2) on Linux and through the
/// RandomNumberGenerator fallback alike.
/// </summary>
public class SystemRandomTests
{
    public static TheoryData<int> Sizes => [0, 1, 32, 256, 257, 4096, 70000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void DefaultProviderFillsEveryByte(int size) => AssertFillsEveryByte(size, CryptoProvider.Default.FillRandom);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FallbackFillsEveryByte(int size) => AssertFillsEveryByte(size, b => SystemRandom.Fill(b, tryGetRandom: false));

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetRandomFillsEveryByte(int size)
    {
        if (!OperatingSystem.IsLinux()) return;
        AssertFillsEveryByte(size, b => Assert.True(SystemRandom.TryGetRandom(b, int.MaxValue)));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GetRandomInShortRequestsFillsEveryByte(int size)
    {
        if (!OperatingSystem.IsLinux()) return;
        // Short requests take the path of a short return: the rest is asked for again, after what was filled.
        AssertFillsEveryByte(size, b => Assert.True(SystemRandom.TryGetRandom(b, 7)));
    }

    [Fact]
    public void GetRandomServesOnLinux()
    {
        CryptoProvider.Default.FillRandom(new byte[32]);
        Assert.Equal(OperatingSystem.IsLinux(), SystemRandom.UsesGetRandom);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EmptySpansWriteNothing(bool tryGetRandom)
    {
        var buffer = new byte[16];
        SystemRandom.Fill(buffer.AsSpan(8, 0), tryGetRandom);
        Assert.True(SystemRandom.TryGetRandom(buffer.AsSpan(8, 0), int.MaxValue));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    /// <summary>
    /// Each byte, zero before every fill, is non-zero after at least one of eight fills (an unwritten byte never is;
    /// a written one stays zero eight times with probability 2^-64), and two fills of 16 bytes or more differ.
    /// </summary>
    private static void AssertFillsEveryByte(int size, FillAction fill)
    {
        var written = new bool[size];
        byte[]? previous = null;
        for (int round = 0; round < 8; round++)
        {
            var buffer = new byte[size];
            fill(buffer);
            for (int i = 0; i < size; i++) written[i] |= buffer[i] != 0;
            if (size >= 16 && previous is not null) Assert.False(buffer.AsSpan().SequenceEqual(previous), "two fills gave the same bytes");
            previous = buffer;
        }
        int unwritten = Array.IndexOf(written, false);
        Assert.True(unwritten < 0, $"byte {unwritten} of {size} was never written");
    }

    private delegate void FillAction(Span<byte> destination);
}
