namespace TlsEngine.Cli;

/// <summary>
/// <c>tlsengine x509 limbo FILE [--output RESULTS.json]</c>: runs an x509-limbo suite (plain or gzipped JSON) and writes
/// limbo's result document to stdout or RESULTS.json, then the per-namespace summary and run time to stderr.
/// Exit 0 when every case ran; the verdicts themselves are in the results.
/// </summary>
internal static class LimboCommand
{
    public static int Run(CliArgs args)
    {
        string file = args.RequiredPositional("the limbo JSON file");
        string? output = args.Value("output");
        args.RejectUnknown();
        LimboRun run;
        try
        {
            run = LimboRunner.RunFile(file);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidDataException)
        {
            throw new UsageException($"{file} is not an x509-limbo suite: {e.Message}");
        }
        if (output is null)
        {
            using Stream stdout = Console.OpenStandardOutput();
            LimboRunner.WriteResults(run, stdout);
        }
        else
        {
            using FileStream stream = File.Create(output);
            LimboRunner.WriteResults(run, stream);
            Console.Error.WriteLine($"results written to {output}");
        }
        Console.Error.Write(LimboRunner.Summary(run));
        return 0;
    }
}
