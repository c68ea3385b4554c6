using TlsEngine.Fuzz.Targets;

namespace TlsEngine.Fuzz;

/// <summary>
/// Every harness by target name (the name of its fuzz/corpus and fuzz/regressions folders). The oracle is the same
/// for all: a harness returns normally or lets an exception escape; only the engine's typed errors are caught inside
/// the harness, so anything that escapes is a finding.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new SortedDictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["record"] = RecordTarget.Run,
        ["clienthello"] = ClientHelloTarget.Run,
        ["serverhello"] = ServerHelloTarget.Run,
        ["encryptedextensions"] = EncryptedExtensionsTarget.Run,
        ["certificaterequest"] = CertificateRequestTarget.Run,
        ["certificate"] = CertificateMessageTarget.Run,
        ["certificateverify"] = CertificateVerifyTarget.Run,
        ["p256verify"] = P256VerifyTarget.Run,
        ["finished"] = FinishedTarget.Run,
        ["newsessionticket"] = NewSessionTicketTarget.Run,
        ["keyupdate"] = KeyUpdateTarget.Run,
        ["extensions"] = ExtensionsTarget.Run,
        ["server"] = ServerEngineTarget.Run,
        ["client"] = ClientEngineTarget.Run,
        ["server-inner"] = ServerInnerTarget.Run,
        ["client-inner"] = ClientInnerTarget.Run,
        ["der"] = DerTarget.Run,
        ["x509"] = X509Target.Run,
        ["chain"] = ChainTarget.Run,
        ["ocsp"] = OcspTarget.Run,
        ["crl"] = CrlTarget.Run,
        ["pem"] = PemTarget.Run,
    };
}
