namespace TlsEngine.X509.Tests;

public class DerReaderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));

    private static void Throws(string hex, Action<byte[]> read)
    {
        byte[] data = Hex(hex);
        Assert.Throws<X509FormatException>(() => read(data));
    }

    [Fact]
    public void ReadsShortAndLongFormLengths()
    {
        var r = new DerReader(Hex("04 02 AA BB"));
        Assert.Equal(Hex("AABB"), r.ReadOctetString("x").ToArray());
        r.ExpectEnd("x");

        byte[] longForm = new byte[3 + 200];
        longForm[0] = 0x04;
        longForm[1] = 0x81;
        longForm[2] = 200;
        var r2 = new DerReader(longForm);
        Assert.Equal(200, r2.ReadOctetString("x").Length);
        Assert.False(r2.HasData);
    }

    [Theory]
    [InlineData("04 81 05 0102030405")]      // long form for a length below 128
    [InlineData("04 82 0005 0102030405")]    // leading zero length octet
    [InlineData("30 80 0500 0000")]          // indefinite length
    [InlineData("04 85 0000000001 00")]      // five length octets
    [InlineData("04 05 0102")]               // length beyond the data
    [InlineData("04")]                       // truncated header
    [InlineData("")]                         // missing
    [InlineData("1F 81 01 00")]              // high-tag-number form
    [InlineData("04 84 FFFFFFFF 00")]        // huge length
    public void RejectsBadLengthsAndTags(string hex) =>
        Throws(hex, d =>
        {
            var r = new DerReader(d);
            r.ReadElement("elem", out _, out _);
        });

    [Fact]
    public void RejectsTrailingBytes()
    {
        var r = new DerReader(Hex("05 00 00"));
        r.ReadNull("n");
        var ex = Assert.Throws<X509FormatException>(() =>
        {
            var rr = new DerReader(Hex("05 00 00"));
            rr.ReadNull("n");
            rr.ExpectEnd("outer");
        });
        Assert.Contains("outer", ex.Message);
        Assert.True(r.HasData);
    }

    [Theory]
    [InlineData("01 01 00", false)]
    [InlineData("01 01 FF", true)]
    public void ReadsDerBooleans(string hex, bool expected)
    {
        var r = new DerReader(Hex(hex));
        Assert.Equal(expected, r.ReadBoolean("b"));
    }

    [Theory]
    [InlineData("01 01 01")]
    [InlineData("01 01 7F")]
    [InlineData("01 02 FF FF")]
    [InlineData("01 00")]
    public void RejectsNonDerBooleans(string hex) => Throws(hex, d => new DerReader(d).ReadBoolean("b"));

    [Theory]
    [InlineData("02 01 00")]
    [InlineData("02 01 7F")]
    [InlineData("02 02 00 80")]
    [InlineData("02 01 80")]
    [InlineData("02 02 FF 7F")]
    public void AcceptsMinimalIntegers(string hex)
    {
        var r = new DerReader(Hex(hex));
        Assert.False(r.ReadInteger("i").IsEmpty);
    }

    [Theory]
    [InlineData("02 00")]
    [InlineData("02 02 00 01")]
    [InlineData("02 02 FF 80")]
    public void RejectsNonMinimalIntegers(string hex) => Throws(hex, d => new DerReader(d).ReadInteger("i"));

    [Fact]
    public void NonNegativeInt32RejectsNegativeAndTooLarge()
    {
        Assert.Equal(300, new DerReader(Hex("02 02 01 2C")).ReadNonNegativeInt32("i"));
        Throws("02 01 FF", d => new DerReader(d).ReadNonNegativeInt32("i"));
        Throws("02 05 01 00 00 00 00", d => new DerReader(d).ReadNonNegativeInt32("i"));
        Throws("02 01 0A", d => new DerReader(d).ReadNonNegativeInt32("i", 5));
    }

    [Theory]
    [InlineData("06 09 2A864886F70D01010B", "1.2.840.113549.1.1.11")]
    [InlineData("06 03 551D13", "2.5.29.19")]
    [InlineData("06 01 00", "0.0")]
    [InlineData("06 02 8837", "2.999")]
    [InlineData("06 0D 2B 06 01 04 01 FFFFFFFFFFFFFF 7F", "1.3.6.1.4.1.72057594037927935")]
    public void DecodesOids(string hex, string dotted)
    {
        var r = new DerReader(Hex(hex));
        Assert.Equal(dotted, r.ReadOidString("oid"));
        Assert.Equal(Hex(hex)[2..], Oids.Encode(dotted));
    }

    [Theory]
    [InlineData("06 00")]
    [InlineData("06 02 2A 86")]     // ends inside a subidentifier
    [InlineData("06 03 2A 80 01")]  // non-minimal subidentifier
    [InlineData("06 01 80")]
    public void RejectsBadOids(string hex) => Throws(hex, d => new DerReader(d).ReadOid("oid"));

    [Fact]
    public void OidComparesWithoutAllocating()
    {
        var r = new DerReader(Hex("06 03 551D13"));
        Assert.True(Oids.Is(r.ReadOid("oid"), Oids.BasicConstraints));
    }

    [Fact]
    public void ReadsBitStrings()
    {
        var r = new DerReader(Hex("03 02 05 A0"));
        Assert.Equal(new byte[] { 0xA0 }, r.ReadBitString("b", out int unused).ToArray());
        Assert.Equal(5, unused);
        Throws("03 02 08 00", d => new DerReader(d).ReadBitString("b", out _));
        Throws("03 02 05 A1", d => new DerReader(d).ReadBitString("b", out _)); // padding bit set
        Throws("03 01 03", d => new DerReader(d).ReadBitString("b", out _));    // empty with unused bits
        Throws("03 00", d => new DerReader(d).ReadBitString("b", out _));
        Throws("03 02 01 00", d => new DerReader(d).ReadBitStringBytes("b"));
    }

    [Theory]
    [InlineData("17 0D 3530303130313030303030305A", 1950, 1, 1)]
    [InlineData("17 0D 3439313233313233353935395A", 2049, 12, 31)]
    [InlineData("17 0D 3030303232393030303030305A", 2000, 2, 29)]
    [InlineData("18 0F 32303530303130313030303030305A", 2050, 1, 1)]
    public void ParsesTimes(string hex, int year, int month, int day)
    {
        DateTimeOffset t = new DerReader(Hex(hex)).ReadTime("t");
        Assert.Equal(new DateTimeOffset(year, month, day, t.Hour, t.Minute, t.Second, TimeSpan.Zero), t);
        Assert.Equal(TimeSpan.Zero, t.Offset);
    }

    [Theory]
    [InlineData("17", "5001010000Z")]          // UTCTime without seconds (11 chars)
    [InlineData("17", "500101000000+")]        // no Z
    [InlineData("17", "500101000000+0100")]    // offset
    [InlineData("17", "501301000000Z")]        // month 13
    [InlineData("17", "490230000000Z")]        // February 30
    [InlineData("17", "500101240000Z")]        // hour 24
    [InlineData("17", "500101000060Z")]        // second 60
    [InlineData("17", "5a0101000000Z")]        // non-digit
    [InlineData("18", "20500101000000.123Z")]  // fractional seconds
    [InlineData("18", "205001010000Z")]        // GeneralizedTime without seconds
    [InlineData("18", "00000101000000Z")]      // year 0
    [InlineData("0C", "500101000000Z")]        // not a time type
    public void RejectsBadTimes(string tag, string text)
    {
        byte[] data = [.. Hex(tag), (byte)text.Length, .. System.Text.Encoding.ASCII.GetBytes(text)];
        Assert.Throws<X509FormatException>(() => new DerReader(data).ReadTime("notBefore"));
    }

    [Fact]
    public void ContextTagsExplicitAndImplicit()
    {
        var r = new DerReader(Hex("A0 03 02 01 02 81 02 AB CD"));
        Assert.True(r.TryReadExplicit(0, "v", out DerReader inner));
        Assert.Equal(2, inner.ReadNonNegativeInt32("v"));
        inner.ExpectEnd("v");
        Assert.False(r.TryReadExplicit(3, "ext", out _));
        Assert.True(r.IsNext(DerTag.ContextPrimitive(1)));
        Assert.Equal(Hex("ABCD"), r.ReadContent(DerTag.ContextPrimitive(1), "id").ToArray());
        r.ExpectEnd("all");
    }

    [Fact]
    public void SequenceAndSetSubReaders()
    {
        var r = new DerReader(Hex("30 06 31 04 05 00 05 00"));
        DerReader seq = r.ReadSequence("s");
        DerReader set = seq.ReadSet("set");
        set.ReadNull("a");
        set.ReadNull("b");
        set.ExpectEnd("set");
        seq.ExpectEnd("s");
        Assert.Equal(2, set.Depth);
        Throws("30 02 05 00", d => new DerReader(d).ReadSet("set")); // wrong tag
    }

    [Fact]
    public void NestingDepthIsBounded()
    {
        byte[] data = [0x05, 0x00];
        for (int i = 0; i < DerReader.MaxDepth + 5; i++)
            data = [0x30, (byte)data.Length, .. data];
        Assert.True(data.Length < 128);
        var ex = Assert.Throws<X509FormatException>(() =>
        {
            var r = new DerReader(data);
            Descend(r);
        });
        Assert.Contains("nesting", ex.Message);

        static void Descend(DerReader r)
        {
            while (r.IsNext(DerTag.Sequence))
                r = r.ReadSequence("s");
        }
    }

    [Fact]
    public void ErrorMessageNamesTheField()
    {
        var ex = Assert.Throws<X509FormatException>(() => new DerReader(Hex("01 01 01")).ReadBoolean("basicConstraints.cA"));
        Assert.Equal("basicConstraints.cA", ex.Field);
        Assert.StartsWith("basicConstraints.cA:", ex.Message);
        Assert.IsAssignableFrom<X509Exception>(ex);
    }
}
