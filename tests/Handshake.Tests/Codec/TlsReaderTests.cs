using TlsEngine.Codec;
using TlsEngine.Extensions;
using TlsEngine.Messages;
using TlsEngine.Record;

namespace TlsEngine.Tests;

/// <summary>Errors from nested lists name the whole path to the field that was wrong (RFC 8446 §6: decode_error).</summary>
public class TlsReaderTests
{
    private static string FailureOf(byte[] data, Action<byte[]> read)
    {
        var e = Assert.Throws<TlsAlertException>(() => read(data));
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
        return e.Message;
    }

    [Fact]
    public void NestedListsNameEveryLevelInTheirErrors()
    {
        // outer<2> { middle<1> { inner<1> { deepest<1> { one byte where a uint16 is read } } } }
        byte[] data = [0x00, 0x04, 0x03, 0x02, 0x01, 0x05];
        Assert.Contains("Test.outer.middle.inner.deepest.value is truncated", FailureOf(data, d =>
        {
            var r = new TlsReader(d, "Test");
            var outer = r.ReadList16("outer");
            var middle = outer.ReadList8("middle");
            var inner = middle.ReadList8("inner");
            var deepest = inner.ReadList8("deepest");
            deepest.ReadU16("value");
        }));
        Assert.Contains("Test.outer.middle has 1 trailing bytes", FailureOf([0x00, 0x03, 0x02, 0x07, 0x08], d =>
        {
            var r = new TlsReader(d, "Test");
            var outer = r.ReadList16("outer");
            var middle = outer.ReadList8("middle");
            middle.ReadU8("first");
            middle.ExpectEnd();
        }));
    }

    [Fact]
    public void ACertificateEntryWithTruncatedExtensionsIsNamedInFull()
    {
        // Certificate: empty request context, one entry of 1 byte of cert_data, then an extensions length of 5 with
        // only 1 byte following it.
        byte[] body = [0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x01, 0xAA, 0x00, 0x05, 0x00];
        string message = FailureOf(body, b => CertificateMessage.Parse(b, 10));
        Assert.Contains("Certificate.certificate_list.extensions", message);
    }

    [Fact]
    public void EmptyExtensionBlocksParseToNoExtensions()
    {
        byte[] body = [0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x01, 0xAA, 0x00, 0x00, 0x00, 0x00, 0x01, 0xBB, 0x00, 0x00];
        body[3] = 0x0C;
        var certificate = CertificateMessage.Parse(body, 10);
        Assert.Equal(2, certificate.Entries.Count);
        Assert.All(certificate.Entries, e => Assert.Equal(0, e.Extensions.Count));
        Assert.Equal([0xAA], certificate.Entries[0].CertData.ToArray());
        Assert.Equal([0xBB], certificate.Entries[1].CertData.ToArray());
    }
}
