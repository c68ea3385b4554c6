using System.Security.Cryptography;
using System.Text;

namespace TlsEngine.Hsm;

/// <summary>
/// Where the token's user PIN comes from (RFC 7512 §2.4 "pin-source" and "pin-value"). The PIN is read when a login is
/// needed — at the first use of a token and again after the token was logged out — and the bytes are cleared after
/// the login call. No member of this type, and no message this library makes, contains the PIN.
/// </summary>
/// <remarks>
/// Supported pin-source values: <c>file:PATH</c> (also <c>file:///PATH</c>; the first line of the file, CR/LF
/// stripped) as RFC 7512 §2.4 suggests, and <c>env:NAME</c>, an extension of this library that reads the
/// environment variable NAME. The "|/command" form of RFC 7512 §2.4 is refused.
/// </remarks>
public abstract class PinSource
{
    private PinSource()
    {
    }

    /// <summary>No PIN: for tokens that need no login, or to list only public objects.</summary>
    public static PinSource None { get; } = new NoPin();

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => this is NoPin;

    /// <summary>True for a PIN given directly ("pin-value").</summary>
    internal bool IsValue => this is ValuePin;

    /// <summary>The first line of a file (RFC 7512 §2.4, "file:" URI).</summary>
    public static PinSource FromFile(string path) => new FilePin(path);

    /// <summary>An environment variable (this library's "env:" extension to RFC 7512 §2.4).</summary>
    public static PinSource FromEnvironment(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new FormatException("pin-source env: needs an environment variable name of letters, digits and '_'");
        return new EnvironmentPin(name);
    }

    /// <summary>A PIN given directly (RFC 7512 §2.4 "pin-value"; see its §6 on why a file or the environment is better).</summary>
    public static PinSource FromValue(ReadOnlySpan<char> pin) => new ValuePin(Encoding.UTF8.GetBytes(pin.ToArray()));

    /// <summary>Parses a pin-source value: <c>file:PATH</c>, <c>file:///PATH</c> or <c>env:NAME</c>.</summary>
    public static PinSource Parse(string spec)
    {
        if (spec.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var path = spec[5..];
            // RFC 8089: file:///path and file://localhost/path name the local file /path.
            if (path.StartsWith("//localhost/", StringComparison.OrdinalIgnoreCase)) path = path[11..];
            else if (path.StartsWith("///", StringComparison.Ordinal)) path = path[2..];
            else if (path.StartsWith("//", StringComparison.Ordinal))
                throw new FormatException("pin-source file: URIs must name a local file (file:/path or file:///path)");
            if (path.Length == 0) throw new FormatException("pin-source file: needs a path");
            return FromFile(path);
        }
        if (spec.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
            return FromEnvironment(spec[4..]);
        if (spec.StartsWith('|'))
            throw new FormatException("pin-source commands ('|/path', RFC 7512 §2.4) are not supported; use file:PATH or env:NAME");
        throw new FormatException($"unsupported pin-source '{spec}': use file:PATH or env:NAME");
    }

    /// <summary>Reads the PIN as UTF-8 bytes (the caller clears them), or null for <see cref="None"/>.</summary>
    /// <exception cref="HsmException">The file or variable cannot be read. The message names the source, not the PIN.</exception>
    internal abstract byte[]? Read();

    /// <summary>Where the PIN comes from, never the PIN: "file:/run/pin", "env:HSM_PIN", "pin-value (redacted)", "no PIN".</summary>
    public abstract override string ToString();

    private sealed class NoPin : PinSource
    {
        internal override byte[]? Read() => null;

        public override string ToString() => "no PIN";
    }

    private sealed class FilePin(string path) : PinSource
    {
        internal override byte[] Read()
        {
            byte[] content;
            try
            {
                content = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HsmException($"cannot read the PIN file {path}: {e.GetType().Name}");
            }
            int end = Array.IndexOf(content, (byte)'\n');
            if (end < 0) end = content.Length;
            while (end > 0 && content[end - 1] == '\r') end--;
            var pin = content[..end];
            CryptographicOperations.ZeroMemory(content);
            return pin;
        }

        public override string ToString() => "file:" + path;
    }

    private sealed class EnvironmentPin(string name) : PinSource
    {
        internal override byte[] Read()
        {
            var value = Environment.GetEnvironmentVariable(name) ?? throw new HsmException($"the PIN variable {name} is not set");
            return Encoding.UTF8.GetBytes(value);
        }

        public override string ToString() => "env:" + name;
    }

    private sealed class ValuePin(byte[] pin) : PinSource
    {
        internal override byte[] Read() => (byte[])pin.Clone();

        public override string ToString() => "pin-value (redacted)";
    }
}
