using SharpFuzz;
using TlsEngine.Fuzz;
using TlsEngine.Fuzz.Tools;

// Usage:
//   TlsEngine.Fuzz TARGET                        under afl-fuzz: the persistent fork server; otherwise: one input from stdin
//   TlsEngine.Fuzz capture-client PORT FILE      our deterministic client against a server on 127.0.0.1:PORT; FILE = bytes received
//   TlsEngine.Fuzz capture-server PORT FILE      our deterministic server on 127.0.0.1:PORT for one connection; FILE = bytes received
//   TlsEngine.Fuzz self-seeds CORPUSDIR          flights of our client and server against each other, in memory
//   TlsEngine.Fuzz inner-seeds CORPUSDIR         server-inner/client-inner seeds from the recorded corpus/server and corpus/client
//   TlsEngine.Fuzz diff-x509 DIR...              X.509 parsing: ours vs BouncyCastle vs .NET, disagreements listed
// A capture also splits the received flight into the message targets' seeds when CORPUSDIR is given as a 4th argument.

// A busy P-256 key would get its verification table on the thread pool part-way through a run, which changes the code an
// input reaches from one execution to the next (afl's stability). The p256verify target builds its table itself.
AppContext.SetSwitch("TlsEngine.DisableP256VerificationTables", true);
switch (args)
{
    case ["capture-client", var port, var file, .. var rest]:
        return Capture.Client(int.Parse(port), file, rest.FirstOrDefault());
    case ["capture-server", var port, var file, .. var rest]:
        return Capture.Server(int.Parse(port), file, rest.FirstOrDefault());
    case ["diff-x509", .. var dirs]:
        return DiffCommand.Run(dirs);
    case ["inner-seeds", var dir]:
        InnerSeeds.Write(dir);
        return 0;
    case ["self-seeds", var dir]:
        SelfSeeds.Write(dir);
        return 0;
    case [var name] when !name.StartsWith('-'):
        // run.sh instruments the harness library too (so a seed that stops in the harness still shows coverage and
        // afl-fuzz accepts it): none of its code may run before Fuzzer.OutOfProcess.Run has set up the coverage map,
        // so the target is looked up inside the callback.
        Action<byte[]>? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= FuzzTargets.All.TryGetValue(name, out var found) ? found : throw new ArgumentException($"unknown fuzz target '{name}'");
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            target(ms.ToArray());
        });
        return 0;
    default:
        Console.Error.WriteLine($"usage: TlsEngine.Fuzz TARGET | capture-client PORT FILE | capture-server PORT FILE | self-seeds DIR");
        Console.Error.WriteLine($"targets: {string.Join(' ', FuzzTargets.All.Keys)}");
        return 2;
}
