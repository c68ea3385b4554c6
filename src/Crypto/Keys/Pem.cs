using System.Text;

namespace TlsEngine.Crypto;

/// <summary>Textual encoding of DER objects (RFC 7468): decode every block of a file, encode one.</summary>
public static class Pem
{
    public readonly record struct Block(string Label, byte[] Der);

    /// <summary>True if <paramref name="data"/> starts, after optional whitespace, with a PEM pre-encapsulation boundary.</summary>
    public static bool LooksLikePem(ReadOnlySpan<byte> data)
    {
        int i = 0;
        while (i < data.Length && data[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return data[i..].StartsWith("-----BEGIN "u8) || data.IndexOf("-----BEGIN "u8) >= 0 && data.IndexOf((byte)0x30) != 0;
    }

    /// <summary>Decodes every PEM block in <paramref name="text"/>, in order. Text between blocks is ignored.</summary>
    /// <exception cref="FormatException">A block is malformed (bad base64, mismatched labels).</exception>
    public static List<Block> Decode(ReadOnlySpan<char> text)
    {
        var blocks = new List<Block>();
        while (System.Security.Cryptography.PemEncoding.TryFind(text, out var fields))
        {
            var label = new string(text[fields.Label]);
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out int written))
                throw new FormatException($"PEM block '{label}' has invalid base64");
            blocks.Add(new Block(label, der[..written]));
            text = text[fields.Location.End..];
        }
        return blocks;
    }

    public static List<Block> Decode(ReadOnlySpan<byte> utf8) => Decode(Encoding.UTF8.GetString(utf8));

    public static string Encode(string label, ReadOnlySpan<byte> der) =>
        new string(System.Security.Cryptography.PemEncoding.Write(label, der)) + "\n";
}
