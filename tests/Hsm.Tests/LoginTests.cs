using TlsEngine.Hsm.Tests.Support;

namespace TlsEngine.Hsm.Tests;

/// <summary>
/// Opening a key logs in to its token when this process has not yet: a wrong or missing PIN is a clear error at
/// start-up, naming the PKCS#11 return value and where the PIN came from, never the PIN. (Login is per token per
/// process, so these tests use a token nothing else logs in to.)
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class LoginTests(SoftHsmFixture hsm)
{
    private const string WrongPin = "0000-not-the-pin";

    [SkippableFact]
    public void WrongPinValueIsAClearStartupError()
    {
        hsm.Require();
        var e = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open(
            $"pkcs11:token={SoftHsmFixture.LoginToken};object=login-p256;type=private?pin-value={WrongPin}"));
        Assert.Contains("C_Login returned CKR_PIN_INCORRECT", e.Message);
        Assert.Contains("token 'login'", e.Message);
        Assert.Contains("pin-value (redacted)", e.Message);
        Assert.DoesNotContain(WrongPin, e.ToString());
    }

    [SkippableFact]
    public void WrongPinFromFileOrEnvironmentNamesTheSource()
    {
        hsm.Require();
        var file = hsm.WriteFile("wrong-pin.txt", WrongPin + "\n");
        var fromFile = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open(
            $"pkcs11:token={SoftHsmFixture.LoginToken};object=login-p256?pin-source=file:{file}"));
        Assert.Contains("CKR_PIN_INCORRECT", fromFile.Message);
        Assert.Contains("file:" + file, fromFile.Message);
        Assert.DoesNotContain(WrongPin, fromFile.ToString());

        Environment.SetEnvironmentVariable("TLSENGINE_TEST_WRONG_PIN", WrongPin);
        var fromEnv = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open(
            $"pkcs11:token={SoftHsmFixture.LoginToken};object=login-p256?pin-source=env:TLSENGINE_TEST_WRONG_PIN"));
        Assert.Contains("CKR_PIN_INCORRECT", fromEnv.Message);
        Assert.Contains("env:TLSENGINE_TEST_WRONG_PIN", fromEnv.Message);
        Assert.DoesNotContain(WrongPin, fromEnv.ToString());
    }

    [SkippableFact]
    public void MissingPinSaysHowToGiveOne()
    {
        hsm.Require();
        var e = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.LoginToken};object=login-p256"));
        Assert.Contains("requires a login", e.Message);
        Assert.Contains("pin-source", e.Message);
    }

    [SkippableFact]
    public void UnreadablePinFileIsAClearError()
    {
        hsm.Require();
        var e = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open(
            $"pkcs11:token={SoftHsmFixture.LoginToken};object=login-p256?pin-source=file:/nonexistent/pin"));
        Assert.Contains("cannot read the PIN file /nonexistent/pin", e.Message);
    }

    [SkippableFact]
    public void SymlinkedAndRealModulePathShareOneInstance()
    {
        hsm.Require();
        var real = Pkcs11Module.CanonicalPath(Pkcs11Module.SoftHsmModulePath);
        Assert.Same(Pkcs11Module.Load(Pkcs11Module.SoftHsmModulePath), Pkcs11Module.Load(real));
        var viaUri = Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.Token};object=ec-p256?module-path={real}&pin-source=file:{hsm.PinFile}");
        Assert.Same(hsm.OpenKey("ec-p256").Pool, viaUri.Pool);
    }

    [SkippableFact]
    public void ModuleNameIsLookedUpWithoutAffixes()
    {
        hsm.Require();
        Assert.Equal(Pkcs11Module.CanonicalPath(Pkcs11Module.SoftHsmModulePath), Pkcs11Module.CanonicalPath(Pkcs11Module.ResolveModuleName("softhsm2")));
        var key = Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.Token};object=ec-p256?module-name=softhsm2&pin-source=file:{hsm.PinFile}");
        Assert.Equal("ec-p256", key.Label);
        var e = Assert.Throws<HsmException>(() => Pkcs11Module.ResolveModuleName("no-such-module-xyz"));
        Assert.Contains("use module-path", e.Message);
    }

    [SkippableFact]
    public void ModuleThatDoesNotExistIsAClearError()
    {
        hsm.Require();
        var e = Assert.Throws<HsmException>(() => Pkcs11SigningKey.Open("pkcs11:object=x?module-path=/nonexistent/libpkcs11.so"));
        Assert.Contains("/nonexistent/libpkcs11.so does not exist", e.Message);
    }
}
