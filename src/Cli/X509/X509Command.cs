namespace TlsEngine.Cli;

/// <summary><c>tlsengine x509 verify|limbo …</c>: the X.509 tools.</summary>
internal static class X509Command
{
    public static int Run(CliArgs args) => args.Positional() switch
    {
        "verify" => VerifyCommand.Run(args),
        "limbo" => LimboCommand.Run(args),
        null => throw new UsageException("x509 needs a sub-command: verify or limbo"),
        var other => throw new UsageException($"unknown x509 sub-command '{other}' (verify, limbo)"),
    };
}
