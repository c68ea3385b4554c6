namespace TlsEngine.X509;

/// <summary>The bits of the keyUsage extension (RFC 5280 §4.2.1.3).</summary>
[Flags]
public enum KeyUsageFlags
{
    /// <summary>No bit set.</summary>
    None = 0,
    /// <summary>digitalSignature (0).</summary>
    DigitalSignature = 1 << 0,
    /// <summary>nonRepudiation / contentCommitment (1).</summary>
    NonRepudiation = 1 << 1,
    /// <summary>keyEncipherment (2).</summary>
    KeyEncipherment = 1 << 2,
    /// <summary>dataEncipherment (3).</summary>
    DataEncipherment = 1 << 3,
    /// <summary>keyAgreement (4).</summary>
    KeyAgreement = 1 << 4,
    /// <summary>keyCertSign (5): may verify certificate signatures.</summary>
    KeyCertSign = 1 << 5,
    /// <summary>cRLSign (6).</summary>
    CrlSign = 1 << 6,
    /// <summary>encipherOnly (7).</summary>
    EncipherOnly = 1 << 7,
    /// <summary>decipherOnly (8).</summary>
    DecipherOnly = 1 << 8,
}

internal static class KeyUsageParser
{
    // KeyUsage ::= BIT STRING { digitalSignature (0), ..., decipherOnly (8) }; bit 0 is the most significant bit.
    public static KeyUsageFlags Parse(ReadOnlySpan<byte> value)
    {
        const string Field = "keyUsage";
        var reader = new DerReader(value);
        ReadOnlySpan<byte> bits = reader.ReadBitString(Field, out _);
        reader.ExpectEnd(Field);
        var flags = KeyUsageFlags.None;
        for (int bit = 0; bit < bits.Length * 8; bit++)
        {
            if ((bits[bit >> 3] & (0x80 >> (bit & 7))) == 0)
                continue;
            if (bit > 8)
                throw new X509FormatException(Field, $"undefined bit {bit} is set");
            flags |= (KeyUsageFlags)(1 << bit);
        }
        if (flags == KeyUsageFlags.None)
            throw new X509FormatException(Field, "no bit is set (RFC 5280 §4.2.1.3 requires at least one)");
        return flags;
    }
}
