using TlsEngine.Cli;

return await CommandLine.RunAsync(args);
