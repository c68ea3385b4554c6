namespace TlsEngine.Hsm.Tests;

public sealed class Pkcs11UriTests
{
    [Fact]
    public void ParsesPathAndQueryAttributes()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=tls;object=ec-p256;id=%01%02;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin");
        Assert.Equal("tls", uri.Token);
        Assert.Equal("ec-p256", uri.Object);
        Assert.Equal([1, 2], uri.Id);
        Assert.Equal(Pkcs11ObjectType.Private, uri.Type);
        Assert.Equal("/usr/lib/softhsm/libsofthsm2.so", uri.ModulePath);
        Assert.Equal("file:/run/pin", uri.Pin.ToString());
    }

    [Fact]
    public void ParsesTheRfc7512Examples()
    {
        // RFC 7512 §3, with the line breaks removed.
        Assert.Equal("my-pubkey", Pkcs11Uri.Parse("pkcs11:object=my-pubkey;type=public").Object);
        Assert.Equal("file:/etc/token", Pkcs11Uri.Parse("pkcs11:object=my-key;type=private?pin-source=file:/etc/token").Pin.ToString());
        var softtoken = Pkcs11Uri.Parse("pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin");
        Assert.Equal("The Software PKCS#11 Softtoken", softtoken.Token);
        Assert.Equal("Snake Oil, Inc.", softtoken.Manufacturer);
        Assert.Equal("", softtoken.Serial); // an empty value matches only an empty field
        Assert.Equal(Pkcs11ObjectType.Certificate, softtoken.Type);
        Assert.Equal([0x69, 0x95, 0x3E, 0x5C, 0xF4, 0xBD, 0xEC, 0x91], softtoken.Id);
        Assert.Equal("mypkcs11", Pkcs11Uri.Parse("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11").ModuleName);
        Assert.Equal("Sun Metaslot", Pkcs11Uri.Parse("pkcs11:slot-description=Sun%20Metaslot").SlotDescription);
        var library = Pkcs11Uri.Parse("pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23");
        Assert.Equal(new Version(1, 23), library.LibraryVersion);
        var joe = Pkcs11Uri.Parse("pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;id=%01%02%03%Ba%dd%Ca%fe%04%05%06");
        Assert.Equal("My token% created by Joe", joe.Token);
        Assert.Equal(new Version(3, 0), joe.LibraryVersion);
        Assert.Equal([1, 2, 3, 0xBA, 0xDD, 0xCA, 0xFE, 4, 5, 6], joe.Id);
        Assert.Equal("A name with a substring %;", Pkcs11Uri.Parse("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert").Token);
        // The RFC's last example has a 34-byte token label, longer than CK_TOKEN_INFO.label (32): §2.3 says refuse it.
        var acute = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse("pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert"));
        Assert.Contains("34 bytes", acute.Message);
        Assert.Equal("small A with acute: \u00e1", Pkcs11Uri.Parse("pkcs11:token=small%20A%20with%20acute:%20%C3%A1").Token);
        Assert.Null(Pkcs11Uri.Parse("pkcs11:").Token);
    }

    [Fact]
    public void ParsesSlotIdSchemeCaseAndAllowedReservedCharacters()
    {
        var uri = Pkcs11Uri.Parse("  PKCS11:slot-id=1892355996;object=a:b@c[d]!$'()*+,=&e?pin-source=env:HSM_PIN  ");
        Assert.Equal(1892355996UL, uri.SlotId);
        Assert.Equal("a:b@c[d]!$'()*+,=&e", uri.Object);
        Assert.Equal("env:HSM_PIN", uri.Pin.ToString());
        Assert.True(Pkcs11Uri.IsPkcs11Uri(" pkcs11:object=x"));
        Assert.False(Pkcs11Uri.IsPkcs11Uri("/etc/key.pem"));
    }

    [Theory]
    [InlineData("file:key.pem", "starts with 'pkcs11:'")]
    [InlineData("pkcs11:object=a;object=b", "appears twice")]
    [InlineData("pkcs11:object=a;color=blue", "unknown PKCS#11 URI path attribute 'color'")]
    [InlineData("pkcs11:object=a?pin-sorce=file:/x", "unknown PKCS#11 URI query attribute 'pin-sorce'")]
    [InlineData("pkcs11:object=a?pin-source=file:/x&pin-value=1", "both pin-source and pin-value")]
    [InlineData("pkcs11:object=a?module-path=/a.so&module-path=/b.so", "appears twice")]
    [InlineData("pkcs11:object=a?module-path=/a.so&module-name=b", "not both")]
    [InlineData("pkcs11:object=a?module-path=lib/softhsm2.so", "not an absolute path")]
    [InlineData("pkcs11:object=a%2", "'%' that is not followed by two hex digits")]
    [InlineData("pkcs11:object=a%zz", "'%' that is not followed by two hex digits")]
    [InlineData("pkcs11:object=a/b", "contains '/', which must be percent-encoded")]
    [InlineData("pkcs11:object=a b", "contains ' ', which must be percent-encoded")]
    [InlineData("pkcs11:object=a#frag", "no fragment")]
    [InlineData("pkcs11:object=%C3%28", "not valid UTF-8")]
    [InlineData("pkcs11:type=secret", "is not one of public, private, cert, secret-key, data")]
    [InlineData("pkcs11:slot-id=-1", "not a decimal CK_SLOT_ID")]
    [InlineData("pkcs11:slot-id=18446744073709551616", "not a decimal CK_SLOT_ID")]
    [InlineData("pkcs11:library-version=1.2.3", "not M or M.N")]
    [InlineData("pkcs11:library-version=256", "one byte")]
    [InlineData("pkcs11:object=a;;type=private", "empty attribute")]
    [InlineData("pkcs11:object", "not of the form name=value")]
    [InlineData("pkcs11:token=abcdefghijklmnopqrstuvwxyz0123456", "PKCS#11 holds at most 32")]
    [InlineData("pkcs11:serial=01234567890123456", "PKCS#11 holds at most 16")]
    [InlineData("pkcs11:object=a?pin-source=|/usr/bin/get-pin", "commands")]
    [InlineData("pkcs11:object=a?pin-source=https://vault/pin", "unsupported pin-source")]
    [InlineData("pkcs11:object=a?pin-source=env:1BAD", "environment variable name")]
    [InlineData("pkcs11:object=a?pin-source=file://server/pin", "local file")]
    [InlineData("pkcs11:object=a?module-name=../evil", "not a path")]
    public void RefusesInvalidUris(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FileUriFormsOfPinSource()
    {
        Assert.Equal("file:/run/pin", Pkcs11Uri.Parse("pkcs11:?pin-source=file:///run/pin").Pin.ToString());
        Assert.Equal("file:/run/pin", Pkcs11Uri.Parse("pkcs11:?pin-source=file://localhost/run/pin").Pin.ToString());
        Assert.Equal("file:/run/my pin", Pkcs11Uri.Parse("pkcs11:?pin-source=file:/run/my%20pin").Pin.ToString());
    }

    [Fact]
    public void ToStringReencodesAndRoundTrips()
    {
        var text = "pkcs11:token=My%20token%3B;object=key%2F1;id=%01%AB;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin";
        var uri = Pkcs11Uri.Parse(text);
        Assert.Equal(text, uri.ToString());
        var again = Pkcs11Uri.Parse(uri.ToString());
        Assert.Equal(uri.Token, again.Token);
        Assert.Equal(uri.Object, again.Object);
        Assert.Equal(uri.Id, again.Id);
    }
}
