using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using TlsEngine.Testing;
using TlsEngine.X509;

namespace TlsEngine.Hsm.Tests.Support;

[CollectionDefinition(Name)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}

/// <summary>
/// A private SoftHSM2 token store for this test run: SOFTHSM2_CONF points into a temporary directory before the module
/// is loaded (once per process), tokens are initialised with softhsm2-util, keys are generated on the token (and one
/// imported), and a software CA issues certificates for the public keys read back from the token.
/// Tests call <see cref="Require"/> first, so a missing softhsm2-util skips them (or fails them under CI=true).
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string Pin = "1234";
    public const string SoPin = "5678";
    public const string Token = "tls";

    /// <summary>A token nobody logs in to in-process, for wrong-PIN tests (login is per token per process).</summary>
    public const string LoginToken = "login";

    /// <summary>A token whose PIN file a recovery test changes.</summary>
    public const string RecoveryToken = "recovery";

    private readonly Lazy<State> _state;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tlsengine-hsm-" + Guid.NewGuid().ToString("N")[..12]);

    public SoftHsmFixture() => _state = new Lazy<State>(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private sealed record State(Pkcs11Module Module, TestCa Ca, Dictionary<string, byte[]> Certificates, bool HasEd25519);

    /// <summary>Skips (or, under CI=true, fails) the test if SoftHSM2 is missing, then sets the token store up once.</summary>
    public SoftHsmFixture Require()
    {
        ExternalTool.Require("softhsm2-util");
        if (!File.Exists(Pkcs11Module.SoftHsmModulePath))
            ExternalTool.SkipOrFail($"{Pkcs11Module.SoftHsmModulePath} is missing (install softhsm2)");
        _ = _state.Value;
        return this;
    }

    /// <summary>Skips (or, under CI=true, fails) an Ed25519 case if this SoftHSM build has no CKM_EDDSA.</summary>
    public void RequireEd25519()
    {
        if (!HasEd25519)
            ExternalTool.SkipOrFail("this SoftHSM build has no CKM_EDDSA (Debian 12's softhsm2, which .ci/run installs, has it)");
    }

    public string Directory => _dir;
    public Pkcs11Module Module => _state.Value.Module;
    public TestCa Ca => _state.Value.Ca;
    public TrustStore Anchors => Ca.Anchors;
    public bool HasEd25519 => _state.Value.HasEd25519;
    public string PinFile => Path.Combine(_dir, "pin.txt");

    /// <summary>Key labels generated on <see cref="Token"/>; each key's id is its index + 1.</summary>
    public static readonly string[] KeyLabels = ["ec-p256", "ec-p384", "rsa-2048", "ed25519", "client-p256", "imported-p256"];

    public static byte[] IdOf(string label) => [(byte)(Array.IndexOf(KeyLabels, label) + 1)];

    /// <summary>A URI for a key on the test token, with the PIN from the PIN file unless <paramref name="query"/> says otherwise.</summary>
    public string KeyUri(string label, string? query = null, string token = Token) =>
        $"pkcs11:token={token};object={label};type=private?{query ?? "pin-source=file:" + PinFile}";

    public Pkcs11SigningKey OpenKey(string label) => Pkcs11SigningKey.Open(KeyUri(label));

    /// <summary>The certificate issued for a key (DER).</summary>
    public byte[] CertificateFor(string label) => _state.Value.Certificates[label];

    public TlsCertificate TlsCertificateFor(string label) =>
        new([Certificate.Parse(CertificateFor(label))], OpenKey(label));

    /// <summary>Writes a file in the fixture directory and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public ISlot Slot(string tokenLabel) =>
        Module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.TrimEnd() == tokenLabel);

    private State Create()
    {
        var tokens = Path.Combine(_dir, "tokens");
        System.IO.Directory.CreateDirectory(tokens);
        var conf = Path.Combine(_dir, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        File.WriteAllText(PinFile, Pin + "\n");
        // Read by the module at C_Initialize: set before the (process-wide, single) load below.
        NativeEnvironment.Set("SOFTHSM2_CONF", conf);
        foreach (var label in new[] { Token, LoginToken, RecoveryToken })
            ExternalTool.Run("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", SoPin, "--pin", Pin]);

        // One key imported from a PKCS#8 file, as operators often do (softhsm2-util --import).
        var pem = Path.Combine(_dir, "imported.pem");
        ExternalTool.Run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pem]);
        ExternalTool.Run("softhsm2-util", ["--import", pem, "--token", Token, "--label", "imported-p256", "--id", "06", "--pin", Pin]);
        File.Delete(pem);

        var module = Pkcs11Module.Load(Pkcs11Module.SoftHsmModulePath);
        bool hasEd25519;
        using (var session = OpenUserSession(module, Token))
        {
            hasEd25519 = Slot(module, Token).GetMechanismList().Contains(Pkcs11Constants.CKM_EDDSA);
            KeyGeneration.Ec(session, "ec-p256", IdOf("ec-p256"), Pkcs11Constants.P256Params.ToArray());
            KeyGeneration.Ec(session, "ec-p384", IdOf("ec-p384"), Pkcs11Constants.P384Params.ToArray());
            KeyGeneration.Rsa(session, "rsa-2048", IdOf("rsa-2048"), 2048);
            if (hasEd25519) KeyGeneration.Ed25519(session, "ed25519", IdOf("ed25519"));
            KeyGeneration.Ec(session, "client-p256", IdOf("client-p256"), Pkcs11Constants.P256Params.ToArray());
            // Allowed to hash on the token only (CKM_ECDSA_SHA256): unusable for us, which signs digests with CKM_ECDSA.
            KeyGeneration.Ec(session, "restricted-p256", [0x7F], Pkcs11Constants.P256Params.ToArray(), [CKM.CKM_ECDSA_SHA256]);
            session.Logout();
        }
        using (var session = OpenUserSession(module, LoginToken))
        {
            KeyGeneration.Ec(session, "login-p256", [1], Pkcs11Constants.P256Params.ToArray());
            session.Logout();
        }
        using (var session = OpenUserSession(module, RecoveryToken))
        {
            KeyGeneration.Ec(session, "recovery-p256", [1], Pkcs11Constants.P256Params.ToArray());
            session.Logout();
        }

        var ca = new TestCa();
        var certificates = new Dictionary<string, byte[]>();
        foreach (var label in KeyLabels)
        {
            if (label == "ed25519" && !hasEd25519) continue;
            var key = Pkcs11SigningKey.Open($"pkcs11:token={Token};object={label}?pin-value={Pin}");
            certificates[label] = ca.Issue(key.ExportSubjectPublicKeyInfo(), label);
        }
        var recovery = Pkcs11SigningKey.Open($"pkcs11:token={RecoveryToken};object=recovery-p256?pin-value={Pin}");
        certificates["recovery-p256"] = ca.Issue(recovery.ExportSubjectPublicKeyInfo(), "recovery-p256");

        // The ec-p256 certificate is also stored on the token, next to its key (same CKA_ID and label).
        using (var session = OpenUserSession(module, Token))
        {
            KeyGeneration.Certificate(session, "ec-p256", IdOf("ec-p256"), certificates["ec-p256"]);
        }
        return new State(module, ca, certificates, hasEd25519);
    }

    private static ISlot Slot(Pkcs11Module module, string label)
    {
        var slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
        return slots.SingleOrDefault(s => s.GetTokenInfo().Label.TrimEnd() == label)
            ?? throw new InvalidOperationException($"token '{label}' not found; present: {string.Join(", ", slots.Select(s => "'" + s.GetTokenInfo().Label + "'"))}; SOFTHSM2_CONF={Environment.GetEnvironmentVariable("SOFTHSM2_CONF")}");
    }

    private static ISession OpenUserSession(Pkcs11Module module, string token)
    {
        var session = Slot(module, token).OpenSession(SessionType.ReadWrite);
        try
        {
            session.Login(CKU.CKU_USER, Encoding.UTF8.GetBytes(Pin));
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
        }
        return session;
    }

    public void Dispose()
    {
        // The module stays loaded until the process ends (C_Finalize would break other users); the files can go.
        if (_state.IsValueCreated) _state.Value.Ca.Dispose();
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
