using TlsEngine.Hsm;

namespace TlsEngine.Cli;

/// <summary>
/// <c>tlsengine hsm list</c>: the tokens of a PKCS#11 module (label, serial, slot) and their key and certificate
/// objects (label, id, type, curve or size), each with a PKCS#11 URI (RFC 7512) to pass to <c>--key</c>.
/// </summary>
internal static class HsmCommand
{
    public static int Run(CliArgs args)
    {
        var subcommand = args.Positional();
        if (subcommand != "list")
            throw new UsageException(subcommand is null ? "hsm needs a sub-command: list" : $"unknown hsm sub-command '{subcommand}' (list)");
        var modulePath = args.Value("module") ?? Pkcs11Module.DefaultModulePath;
        var pinSpec = args.Value("pin-source");
        var token = args.Value("token");
        args.RejectUnknown();
        PinSource pin;
        try
        {
            pin = pinSpec is null ? PinSource.None : PinSource.Parse(pinSpec);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--pin-source: {e.Message}");
        }

        var module = Pkcs11Module.Load(modulePath);
        Console.WriteLine($"module {module.Path}: {Pkcs11Inventory.DescribeLibrary(module)}");
        var tokens = Pkcs11Inventory.List(module, pin, token);
        if (tokens.Count == 0)
            Console.WriteLine(token is null ? "no tokens" : $"no token labelled '{token}'");
        foreach (var t in tokens)
        {
            var login = !t.LoginRequired ? "no login required"
                : t.LoggedIn ? "logged in"
                : t.LoginError is { } error ? $"login failed: {error}"
                : "not logged in (give --pin-source to see private keys)";
            Console.WriteLine($"token '{t.Label}': serial {t.Serial}, slot {t.SlotId}, {t.Manufacturer} {t.Model}, {login}");
            if (t.Objects.Count == 0) Console.WriteLine("  no key or certificate objects visible");
            foreach (var o in t.Objects)
            {
                var kind = o.Type switch
                {
                    Pkcs11ObjectType.Private => "private key",
                    Pkcs11ObjectType.Public => "public key ",
                    _ => "certificate",
                };
                var id = o.Id.Length == 0 ? "-" : Convert.ToHexString(o.Id).ToLowerInvariant();
                Console.WriteLine($"  {kind}  label '{o.Label}'  id {id}  {o.Description}");
                Console.WriteLine($"               {o.Uri}");
            }
        }
        return 0;
    }
}
