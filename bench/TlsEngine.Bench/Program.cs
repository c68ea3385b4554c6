using BenchmarkDotNet.Running;
using TlsEngine.Bench;

// dotnet run -c Release -- --filter '*'   (bench/run.sh wraps it; --job short for a quick run)
if (args.Length > 0 && args[0] == "check")
{
    new HandshakeBenchmarks().Setup();
    Console.WriteLine("ok");
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ChainValidationBenchmarks).Assembly).Run(args);
return 0;
