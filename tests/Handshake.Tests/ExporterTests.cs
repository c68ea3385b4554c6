using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using TlsEngine.Crypto;
using TlsEngine.Tests.Support;

namespace TlsEngine.Tests;

/// <summary>Keying material exporters (RFC 8446 §7.5): TlsConnection.ExportKeyingMaterial.</summary>
public class ExporterTests
{
    private static byte[] Export(TlsConnection connection, string label, byte[] context, int length)
    {
        var output = new byte[length];
        connection.ExportKeyingMaterial(Encoding.ASCII.GetBytes(label), context, output);
        return output;
    }

    [Theory]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256)]
    [InlineData(CipherSuite.TLS_AES_256_GCM_SHA384)]
    [InlineData(CipherSuite.TLS_CHACHA20_POLY1305_SHA256)]
    public void BothPeersExportTheSameMaterialAndEachInputChangesIt(CipherSuite suite)
    {
        var (c, s) = Loopback.MutualOptions();
        c.CipherSuites = [suite];
        using var loop = new Loopback(c, s);
        loop.Handshake();
        byte[] context = [1, 2, 3];
        var client = Export(loop.Client, "EXPERIMENTAL-a", context, 32);
        Assert.Equal(client, Export(loop.Server, "EXPERIMENTAL-a", context, 32));
        Assert.NotEqual(client, Export(loop.Client, "EXPERIMENTAL-b", context, 32));
        Assert.NotEqual(client, Export(loop.Client, "EXPERIMENTAL-a", [1, 2, 4], 32));
        Assert.NotEqual(client, Export(loop.Client, "EXPERIMENTAL-a", [], 32));
        // The length is part of the HkdfLabel: a shorter export is not a prefix of a longer one.
        Assert.NotEqual(client[..16], Export(loop.Client, "EXPERIMENTAL-a", context, 16));
        int max = 255 * CipherSuites.HashLength(suite);
        Assert.Equal(Export(loop.Server, "EXPERIMENTAL-long", [], max), Export(loop.Client, "EXPERIMENTAL-long", [], max));
    }

    /// <summary>The exporter computed again from the key log's EXPORTER_SECRET with the BCL's HKDF, as §7.5 writes it.</summary>
    [Theory]
    [InlineData(CipherSuite.TLS_AES_128_GCM_SHA256, 32)]
    [InlineData(CipherSuite.TLS_AES_256_GCM_SHA384, 100)]
    public void MaterialFollowsRfc8446FromTheLoggedExporterSecret(CipherSuite suite, int length)
    {
        var (c, s) = Loopback.MutualOptions();
        c.CipherSuites = [suite];
        var log = new List<string>();
        c.KeyLog = log.Add;
        using var loop = new Loopback(c, s);
        loop.Handshake();
        var secret = Convert.FromHexString(log.Single(l => l.StartsWith("EXPORTER_SECRET ")).Split(' ')[2]);
        var hash = CipherSuites.Hash(suite);
        byte[] context = Encoding.ASCII.GetBytes("context value");

        // TLS-Exporter(label, context_value, key_length) =
        //   HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
        var derived = ExpandLabel(hash, secret, "EXPORTER-Channel-Binding", Digest(hash, []), secret.Length);
        var expected = ExpandLabel(hash, derived, "exporter", Digest(hash, context), length);

        Assert.Equal(expected, Export(loop.Client, "EXPORTER-Channel-Binding", context, length));
        Assert.Equal(expected, Export(loop.Server, "EXPORTER-Channel-Binding", context, length));
    }

    private static byte[] Digest(HashAlgorithmName hash, byte[] data) =>
        hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data) : SHA256.HashData(data);

    // HKDF-Expand-Label (RFC 8446 §7.1), written out here on the BCL's HKDF.
    private static byte[] ExpandLabel(HashAlgorithmName hash, byte[] secret, string label, byte[] context, int length)
    {
        byte[] full = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = [(byte)(length >> 8), (byte)length, (byte)full.Length, .. full, (byte)context.Length, .. context];
        return HKDF.Expand(hash, secret, length, info);
    }

    [Fact]
    public void EachConnectionHasItsOwnMaterialAndAKeyUpdateKeepsIt()
    {
        var (c, s) = Loopback.MutualOptions();
        c.SessionTickets = new SessionTicketCache();
        s.SessionTicketKeys = SessionTicketKeys.CreateRandom();
        using var first = new Loopback(c, s);
        first.Handshake();
        var material = Export(first.Client, "EXPERIMENTAL-k", [], 32);

        var w = new ArrayBufferWriter<byte>();
        first.Client.UpdateKeys(w, requestPeer: true);
        first.Queue(fromServer: false, w.WrittenSpan);
        first.Pump();
        first.ClientSends("after the update"u8);
        Assert.Equal(material, Export(first.Client, "EXPERIMENTAL-k", [], 32));
        Assert.Equal(material, Export(first.Server, "EXPERIMENTAL-k", [], 32));

        using var resumed = new Loopback(c, s);
        resumed.Handshake();
        Assert.True(resumed.Client.Resumed);
        var again = Export(resumed.Client, "EXPERIMENTAL-k", [], 32);
        Assert.Equal(again, Export(resumed.Server, "EXPERIMENTAL-k", [], 32));
        Assert.NotEqual(material, again);
    }

    [Fact]
    public void MisuseIsRefusedWithTheReason()
    {
        var (c, s) = Loopback.MutualOptions();
        var loop = new Loopback(c, s);
        var output = new byte[32];
        var early = Assert.Throws<InvalidOperationException>(() => loop.Client.ExportKeyingMaterial("EXPERIMENTAL"u8, [], output));
        Assert.Contains("handshake is complete", early.Message);
        loop.Handshake();
        var empty = Assert.Throws<ArgumentException>(() => loop.Client.ExportKeyingMaterial([], [], output));
        Assert.Equal("label", empty.ParamName);
        Assert.Throws<ArgumentException>(() => loop.Client.ExportKeyingMaterial(new byte[250], [], output));
        loop.Client.ExportKeyingMaterial(new byte[249], [], output);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => loop.Client.ExportKeyingMaterial("EXPERIMENTAL"u8, [], [])).ParamName);
        Assert.Throws<ArgumentException>(() => loop.Client.ExportKeyingMaterial("EXPERIMENTAL"u8, [], new byte[255 * 32 + 1]));
        loop.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loop.Client.ExportKeyingMaterial("EXPERIMENTAL"u8, [], output));
    }
}
