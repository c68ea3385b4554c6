using BenchmarkDotNet.Running;

// dotnet run -c Release -- --filter '*'   (bench/run.sh wraps it; --job short for a quick run)
BenchmarkSwitcher.FromAssembly(typeof(TlsEngine.Bench.ChainValidationBenchmarks).Assembly).Run(args);
