using System.Security.Cryptography;
using TlsEngine.Hsm;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Cli;

/// <summary>The <c>tlsengine</c> command: dispatch to sub-commands and uniform error reporting.</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage: tlsengine <command> [options]

        commands:
          demo                  mutual TLS between our server and our client on 127.0.0.1 with a generated test PKI
          server                a TLS 1.3 server in the spirit of openssl s_server
          client                a TLS 1.3 client in the spirit of openssl s_client
          ocsp check CERT ISSUER  ask the certificate's OCSP responder (AIA) and print status, producer, update times
          x509 verify LEAF      validate a certificate chain (RFC 5280) and print the path or the check at fault
          x509 limbo FILE       run an x509-limbo suite (JSON, plain or .gz); results JSON to stdout or --output
          hsm list              tokens and key objects of a PKCS#11 module, with the URI of each key
          bench server|client|scaling  loopback mutual-TLS load: an echo server, N concurrent client loops
                                (handshakes/s, p50/p99 handshake latency, errors), in-memory handshake loops per core

        server options:
          --port N              port to listen on (0 = any free port; the chosen port is printed)
          --host ADDR           address to bind (default 127.0.0.1)
          --cert FILE           certificate chain (PEM or DER), leaf first
          --key FILE            private key (PEM/DER PKCS#8, encrypted PKCS#8, SEC 1, PKCS#1)
          --key pkcs11:URI      or a key on a PKCS#11 token (RFC 7512), e.g.
                                pkcs11:token=T;object=K;type=private?pin-source=file:/run/pin (or env:NAME);
                                module: module-path=/abs/lib.so, else $TLSENGINE_PKCS11_MODULE, else
                                /usr/lib/softhsm/libsofthsm2.so; without --cert the certificate comes from the token
          --pass PASSWORD       password of an encrypted key or PKCS#12 file (or env:VAR, file:PATH)
          --pkcs12 FILE         key and chain from a PKCS#12 file instead of --cert/--key
          --ca FILE             trust anchors for client certificates (PEM bundle)
          --client-auth MODE    none | optional | required (default required when --ca is given, else none)
          --require-client-cert short for --client-auth required
          --echo                send back what each connection receives; serve until stopped
          --naccept N           exit after N connections
          --no-tickets          do not issue session tickets (issued by default, keys held in memory)
          --ocsp-staple auto|FILE  staple an OCSP response: fetched from the certificate's responder and refreshed
                                in the background (auto, needs the issuer in --cert), or read from a DER file
        client options:
          --connect HOST:PORT   server to connect to
          --servername NAME     expected server name (SNI and certificate check); default: HOST
          --cert FILE --key FILE|pkcs11:URI --pass P --pkcs12 FILE   client certificate
          --ca FILE             trust anchors for the server certificate (required)
          --keyupdate           send a KeyUpdate (update_requested) after the handshake
          --ocsp require|soft|off  the server's OCSP staple must be there (require), is checked when present
                                (soft, the default), or is not asked for (off)
          --reconnect N         connect, then reconnect N times resuming with the tickets received
        x509 verify options (inputs PEM or DER; repeat the repeatable ones):
          --anchor FILE         trust anchors (at least one; repeatable)
          --intermediate FILE   untrusted intermediates, any order (repeatable; a PEM LEAF file may hold them too)
          --crl FILE            CRLs to check revocation against (repeatable)
          --at TIME             validation time: ISO 8601, Unix seconds or now (default now)
          --purpose P           server | client | any (default any)
          --name NAME           expected DNS name or IP address of the leaf
          --policy OID          user-initial-policy-set (repeatable; default anyPolicy)
          --require-explicit-policy  --inhibit-policy-mapping  --inhibit-any-policy   RFC 5280 §6.1.1 inputs
          --lenient-profile     accept CA certificates without SKI/AKI or critical basicConstraints
        bench options (tlsengine bench --help for all):
          server: --port --cert --key --ca [--no-tickets] [--duration S] [--report S]
          client: --connect HOST:PORT --cert --key --ca [--connections N] [--duration S] [--loops 1,2] [--resume] [--hold]
          scaling: [--loops 1,2] [--duration S] [--cache] [--resume]
        x509 limbo options:
          --output FILE         write the results JSON to FILE instead of stdout
        common options:
          --groups LIST         e.g. X25519:P-256:P-384
          --ciphersuites LIST   e.g. TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256
          --sigalgs LIST        e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:ed25519
          --alpn LIST           e.g. h2:http/1.1
          --keylog FILE         append NSS key log lines (SSLKEYLOGFILE format; secrets, debugging only)
          --keymatexport LABEL  server and client: print keying material exported with LABEL (RFC 8446 §7.5, no
                                context) after each handshake, as openssl -keymatexport does; --keymatexportlen N
                                bytes (default 20)
          --timeout SECONDS     handshake timeout (default 30)
        hsm list options:
          --module PATH         PKCS#11 module (default $TLSENGINE_PKCS11_MODULE, else /usr/lib/softhsm/libsofthsm2.so)
          --pin-source SPEC     file:PATH or env:NAME: log in to show private keys
          --token LABEL         only this token
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var parsed = args[0] is "ocsp" or "bench" ? CliArgs.Parse([]) : CliArgs.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "demo" => await DemoCommand.RunAsync(parsed),
                "server" => await ServerCommand.RunAsync(parsed),
                "client" => await ClientCommand.RunAsync(parsed),
                "ocsp" => await OcspCommand.RunAsync(args[1..]),
                "x509" => X509Command.Run(parsed),
                "hsm" => HsmCommand.Run(parsed),
                "bench" => await Bench.BenchCommand.RunAsync(args[1..]),
                _ => Fail($"unknown command '{args[0]}'\n\n{Usage}", 2),
            };
        }
        catch (UsageException e)
        {
            return Fail($"tlsengine: {e.Message}", 2);
        }
        catch (TlsAlertException e)
        {
            return Fail($"tlsengine: TLS failure: {e.Message}", 1);
        }
        catch (Exception e) when (e is CryptographicException or X509Exception or IOException or ArgumentException or FormatException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return Fail($"tlsengine: {e.Message}", 1);
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine(Pkcs11Uri.RedactPinValues(message));
        return code;
    }
}

/// <summary>A command-line mistake: reported with exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
