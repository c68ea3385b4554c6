namespace TlsEngine.Cli;

/// <summary>
/// Minimal option parser: <c>--name value</c>, <c>--name=value</c>, repeated options, flags, and positional arguments
/// (which only commands that ask for them accept).
/// </summary>
internal sealed class CliArgs
{
    private static readonly HashSet<string> Flags =
    [
        "require-client-cert", "echo", "keyupdate", "quiet", "no-tickets",
        "require-explicit-policy", "inhibit-policy-mapping", "inhibit-any-policy", "lenient-profile",
    ];

    private readonly List<string> _positionals = [];
    private int _positionalsUsed;
    private readonly Dictionary<string, List<string>> _values = [];
    private readonly HashSet<string> _flags = [];
    private readonly HashSet<string> _used = [];

    public static CliArgs Parse(ReadOnlySpan<string> args)
    {
        var a = new CliArgs();
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                a._positionals.AddRange(args[(i + 1)..]);
                break;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                a._positionals.Add(arg);
                continue;
            }
            var name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (Flags.Contains(name))
            {
                if (value is not null) throw new UsageException($"--{name} takes no value");
                a._flags.Add(name);
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Length) throw new UsageException($"--{name} needs a value");
                value = args[++i];
            }
            if (!a._values.TryGetValue(name, out var list)) a._values[name] = list = [];
            list.Add(value);
        }
        return a;
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? Value(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var l) ? l[^1] : null;
    }

    /// <summary>Every value given for a repeatable option, in command-line order.</summary>
    public IReadOnlyList<string> Values(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var l) ? l : [];
    }

    /// <summary>The next positional argument, or null when there is none.</summary>
    public string? Positional() => _positionalsUsed < _positionals.Count ? _positionals[_positionalsUsed++] : null;

    /// <summary>The next positional argument, which must be present.</summary>
    public string RequiredPositional(string what) => Positional() ?? throw new UsageException($"{what} is required");

    public string Required(string name) => Value(name) ?? throw new UsageException($"--{name} is required");

    /// <summary>A required <c>HOST:PORT</c> option (an IPv6 host in brackets: <c>[::1]:4433</c>).</summary>
    public (string Host, int Port) RequiredHostPort(string name)
    {
        var target = Required(name);
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), out int port))
            throw new UsageException($"--{name} expects HOST:PORT, got '{target}'");
        return (target[..colon].Trim('[', ']'), port);
    }

    public int Int(string name, int fallback)
    {
        var v = Value(name);
        if (v is null) return fallback;
        return int.TryParse(v, out int n) ? n : throw new UsageException($"--{name} expects a number, got '{v}'");
    }

    public IReadOnlyList<string> List(string name) => Value(name)?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Rejects options that no command consumed (typos).</summary>
    public void RejectUnknown()
    {
        if (_positionalsUsed < _positionals.Count)
            throw new UsageException($"unexpected argument '{_positionals[_positionalsUsed]}'");
        foreach (var k in _values.Keys.Concat(_flags))
        {
            if (!_used.Contains(k)) throw new UsageException($"unknown option --{k}");
        }
    }
}
