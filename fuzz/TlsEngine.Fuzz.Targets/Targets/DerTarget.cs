using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// The DER reader walking an arbitrary tree: every element through the typed reader for its tag (BOOLEAN, NULL,
/// INTEGER, OID, BIT STRING, times), constructed ones recursively; then the whole input as a Name.
/// </summary>
public static class DerTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            Walk(new DerReader(input));
            DistinguishedName.Parse(input).ToString();
        }
        catch (X509Exception)
        {
        }
    }

    private static void Walk(DerReader r)
    {
        while (r.HasData)
        {
            switch (r.PeekTag("der"))
            {
                case 0x01: r.ReadBoolean("der"); break;
                case 0x05: r.ReadNull("der"); break;
                case 0x02: r.ReadInteger("der"); break;
                case 0x06: r.ReadOidString("der"); break;
                case 0x03: r.ReadBitString("der", out _); break;
                case 0x17 or 0x18: r.ReadTime("der"); break;
                case var t when (t & 0x20) != 0: Walk(r.ReadConstructed(t, "der")); break;
                default: r.ReadEncodedValue("der"); break;
            }
        }
    }
}
