namespace TlsEngine.Hsm.Tests;

public sealed class PinRedactionTests
{
    private const string Secret = "s3cr3t-PIN-4711";

    [Fact]
    public void UriToStringNeverShowsPinValue()
    {
        var uri = Pkcs11Uri.Parse($"pkcs11:token=t;object=k?pin-value={Secret}");
        Assert.Equal("pkcs11:token=t;object=k?pin-value=***", uri.ToString());
        Assert.Equal("pin-value (redacted)", uri.Pin.ToString());
        Assert.DoesNotContain(Secret, uri.ToString());
    }

    [Fact]
    public void PinSourcesDescribeWhereNotWhat()
    {
        Assert.Equal("env:HSM_PIN", PinSource.Parse("env:HSM_PIN").ToString());
        Assert.Equal("file:/run/pin", PinSource.Parse("file:/run/pin").ToString());
        Assert.Equal("pin-value (redacted)", PinSource.FromValue(Secret).ToString());
        Assert.Equal("no PIN", PinSource.None.ToString());
    }

    [Fact]
    public void PinSourcesReadFileFirstLineAndEnvironment()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Secret + "\r\nsecond line");
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Secret), PinSource.FromFile(file).Read());
            var name = "TLSENGINE_TEST_PIN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
            Environment.SetEnvironmentVariable(name, Secret);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Secret), PinSource.FromEnvironment(name).Read());
            Environment.SetEnvironmentVariable(name, null);
            var missing = Assert.Throws<HsmException>(() => PinSource.FromEnvironment(name).Read());
            Assert.Contains(name, missing.Message);
        }
        finally
        {
            File.Delete(file);
        }
        var noFile = Assert.Throws<HsmException>(() => PinSource.FromFile("/nonexistent/pin").Read());
        Assert.Contains("/nonexistent/pin", noFile.Message);
    }

    [Theory]
    [InlineData("tlsengine: unexpected argument 'pkcs11:object=k?pin-value=s3cr3t-PIN-4711'", "tlsengine: unexpected argument 'pkcs11:object=k?pin-value=***'")]
    [InlineData("--key pkcs11:object=k?pin-value=s3cr3t-PIN-4711&module-path=/m.so", "--key pkcs11:object=k?pin-value=***&module-path=/m.so")]
    [InlineData("PIN-VALUE=s3cr3t-PIN-4711 and pin-value=other", "PIN-VALUE=*** and pin-value=***")]
    [InlineData("no secrets here", "no secrets here")]
    public void RedactsPinValuesInFreeText(string text, string expected)
    {
        Assert.Equal(expected, Pkcs11Uri.RedactPinValues(text));
    }

    [Fact]
    public void ParseErrorsDoNotEchoThePin()
    {
        var e = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse($"pkcs11:object=k?pin-value={Secret}&pin-source=file:/x"));
        Assert.DoesNotContain(Secret, e.Message);
        var bad = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse($"pkcs11:object=k?pin-value={Secret}#"));
        Assert.DoesNotContain(Secret, bad.Message);
        var encoding = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse($"pkcs11:object=k?pin-value={Secret}%G1"));
        Assert.DoesNotContain(Secret, encoding.Message);
    }
}
