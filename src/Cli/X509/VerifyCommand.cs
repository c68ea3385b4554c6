namespace TlsEngine.Cli;

internal static class VerifyCommand
{
    public static int Run(CliArgs args) => throw new UsageException("not yet");
}
