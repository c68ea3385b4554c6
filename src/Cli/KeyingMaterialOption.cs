using System.Text;

namespace TlsEngine.Cli;

/// <summary>
/// <c>--keymatexport LABEL [--keymatexportlen N]</c>: prints keying material exported from each connection (RFC 8446
/// §7.5, no context), in the form <c>openssl s_client</c>/<c>s_server -keymatexport</c> print it, so the two can be
/// compared.
/// </summary>
internal sealed class KeyingMaterialOption
{
    // openssl's default for -keymatexportlen.
    private const int DefaultLength = 20;

    private readonly byte[] _label;
    private readonly int _length;

    private KeyingMaterialOption(byte[] label, int length)
    {
        _label = label;
        _length = length;
    }

    public static KeyingMaterialOption? Parse(CliArgs args)
    {
        var label = args.Value("keymatexport");
        bool lengthGiven = args.Value("keymatexportlen") is not null;
        int length = args.Int("keymatexportlen", DefaultLength);
        if (label is null)
        {
            if (lengthGiven) throw new UsageException("--keymatexportlen goes with --keymatexport");
            return null;
        }
        var bytes = Encoding.UTF8.GetBytes(label);
        if (bytes.Length is 0 or > 249) throw new UsageException("--keymatexport takes a label of 1 to 249 bytes");
        // 255 hash lengths with SHA-256, the smallest hash of a TLS 1.3 suite (RFC 5869 §2.3).
        if (length is < 1 or > 255 * 32) throw new UsageException("--keymatexportlen must be 1 to 8160");
        return new KeyingMaterialOption(bytes, length);
    }

    /// <summary>"Keying material: HEX" (upper case, as openssl prints it).</summary>
    public string Describe(TlsConnection connection)
    {
        var output = new byte[_length];
        connection.ExportKeyingMaterial(_label, [], output);
        return $"Keying material: {Convert.ToHexString(output)}";
    }
}
