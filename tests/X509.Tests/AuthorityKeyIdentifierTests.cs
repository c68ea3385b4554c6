namespace TlsEngine.X509.Tests;

/// <summary>authorityKeyIdentifier (RFC 5280 §4.2.1.1): the allocation-free reading of the common form agrees with the full parse.</summary>
public class AuthorityKeyIdentifierTests
{
    [Theory]
    [InlineData("3016801401020304050607080910111213141516171819AA", true)]   // keyIdentifier only (20 bytes)
    [InlineData("30028000", true)]                                         // an empty keyIdentifier
    [InlineData("3000", false)]                                            // no field at all
    [InlineData("3007800101820201FF", false)]                              // keyIdentifier and serial number
    [InlineData("30058003010203FF", false)]                                // trailing byte inside the SEQUENCE
    [InlineData("3003800301", false)]                                      // truncated keyIdentifier
    [InlineData("310380010A", false)]                                      // not a SEQUENCE
    [InlineData("30038101AA", false)]                                      // [1] where [0] belongs
    public void TheShortcutTakesExactlyTheKeyIdentifierOnlyForm(string hex, bool shortcut)
    {
        byte[] value = Convert.FromHexString(hex);
        Assert.Equal(shortcut, AuthorityKeyIdentifier.TryReadKeyIdentifierOnly(value, out ReadOnlySpan<byte> keyId));
        if (!shortcut)
            return;
        // The full parse reads the same identifier and nothing else.
        AuthorityKeyIdentifier parsed = AuthorityKeyIdentifier.Parse(value, value);
        Assert.Equal(parsed.KeyIdentifier!.Value.ToArray(), keyId.ToArray());
        Assert.Null(parsed.AuthorityCertIssuer);
        Assert.Null(parsed.AuthorityCertSerialNumber);
    }

    [Fact]
    public void ACertificatesIdentifierIsASliceAndItsObjectIsMadeOnDemand()
    {
        TestCert root = TestPki.Root();
        TestCert leaf = TestPki.Leaf(root);
        Certificate c = Certificate.Parse(leaf.Der);
        Assert.Equal(root.SubjectKeyId, c.AuthorityKeyId!.Value.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(c.AuthorityKeyId!.Value, out var slice));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(c.RawData, out var own));
        Assert.Same(own.Array, slice.Array);
        Assert.Same(c.AuthorityKeyIdentifier, c.AuthorityKeyIdentifier);
        Assert.Equal(root.SubjectKeyId, c.AuthorityKeyIdentifier!.KeyIdentifier!.Value.ToArray());
    }
}
