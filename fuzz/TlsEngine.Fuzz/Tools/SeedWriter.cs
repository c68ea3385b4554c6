using System.Security.Cryptography;
using TlsEngine.Codec;
using TlsEngine.Extensions;
using TlsEngine.Messages;

namespace TlsEngine.Fuzz.Tools;

/// <summary>Writes seeds into fuzz/corpus/TARGET/, named by content hash so that repeated captures add nothing twice.</summary>
internal static class SeedWriter
{
    public static void Save(string corpus, string target, ReadOnlySpan<byte> data)
    {
        string dir = Path.Combine(corpus, target);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, Convert.ToHexString(SHA256.HashData(data))[..16].ToLowerInvariant()), data.ToArray());
    }

    /// <summary>Splits one direction of a connection into message seeds (and extension seeds) for the decoder targets.</summary>
    public static void SaveMessages(string corpus, byte[] stream, bool fromServer, IReadOnlyList<string> keyLog, Crypto.CipherSuite? suite, bool inner)
    {
        List<(HandshakeType Type, byte[] Body)> messages;
        var records = new List<byte[]>();
        try
        {
            messages = Splitter.Messages(stream, fromServer, keyLog, suite ?? Crypto.CipherSuite.TLS_AES_128_GCM_SHA256, records);
            if (inner) Save(corpus, fromServer ? "client-inner" : "server-inner", records.SelectMany(r => r).ToArray());
        }
        catch (Record.TlsAlertException e)
        {
            Console.Error.WriteLine($"split stopped: {e.Message}");
            return;
        }
        foreach (var (type, body) in messages)
        {
            switch (type)
            {
                case HandshakeType.ClientHello: Save(corpus, "clienthello", body); Extensions(corpus, ExtensionContext.ClientHello, body, 35 + body[34]); break;
                case HandshakeType.ServerHello:
                    Save(corpus, "serverhello", body);
                    bool hrr = body.AsSpan(2, 32).SequenceEqual(ServerHello.HelloRetryRequestRandom);
                    Extensions(corpus, hrr ? ExtensionContext.HelloRetryRequest : ExtensionContext.ServerHello, body, 35 + body[34] + 3);
                    break;
                case HandshakeType.EncryptedExtensions: Save(corpus, "encryptedextensions", body); Extensions(corpus, ExtensionContext.EncryptedExtensions, body, 0); break;
                case HandshakeType.CertificateRequest: Save(corpus, "certificaterequest", body); Extensions(corpus, ExtensionContext.CertificateRequest, body, 1 + body[0]); break;
                case HandshakeType.Certificate: Save(corpus, "certificate", body); break;
                case HandshakeType.CertificateVerify: Save(corpus, "certificateverify", [(byte)(fromServer ? 0 : 0x80), .. body]); break;
                case HandshakeType.Finished: Save(corpus, "finished", [(byte)(body.Length == 48 ? 1 : 0), .. body]); break;
                case HandshakeType.NewSessionTicket: Save(corpus, "newsessionticket", body); break;
                case HandshakeType.KeyUpdate: Save(corpus, "keyupdate", body); break;
            }
        }
    }

    /// <summary>Only the plaintext-record seed of one direction (server-inner or client-inner).</summary>
    public static void SaveInner(string corpus, byte[] stream, bool fromServer, IReadOnlyList<string> keyLog, Crypto.CipherSuite suite)
    {
        var records = new List<byte[]>();
        try
        {
            Splitter.Messages(stream, fromServer, keyLog, suite, records);
        }
        catch (Record.TlsAlertException)
        {
            // Keep the records before the one that did not decrypt.
        }
        Save(corpus, fromServer ? "client-inner" : "server-inner", records.SelectMany(r => r).ToArray());
    }

    // Extension seeds: byte 0 = the message (bit index of ExtensionContext), bytes 1-2 = type, then extension_data.
    private static void Extensions(string corpus, ExtensionContext context, byte[] body, int offset)
    {
        if (context == ExtensionContext.ClientHello)
        {
            var r0 = new TlsReader(body.AsSpan(offset), "seed");
            r0.ReadList16("cipher_suites");
            r0.ReadVector8("compression");
            offset = body.Length - r0.Remaining;
        }
        var r = new TlsReader(body.AsSpan(offset), "seed");
        foreach (var e in ExtensionList.Parse(ref r, context, 0, 1000).Items)
            Save(corpus, "extensions", [(byte)System.Numerics.BitOperations.Log2((uint)context), (byte)((ushort)e.Type >> 8), (byte)e.Type, .. e.Data.Span]);
    }
}
