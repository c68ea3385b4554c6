using TlsEngine.Fuzz.Support;
using TlsEngine.X509;

namespace TlsEngine.Fuzz.Targets;

/// <summary>
/// Path validation of a fuzzed chain against the fuzz PKI's four CAs at a fixed time. Byte 0 picks options (bit 0
/// client/server purpose, bit 1 name "localhost", bit 2 lenient profile, bit 3 explicit policy); the rest is the
/// presented chain as concatenated DER certificates, leaf first.
/// </summary>
public static class ChainTarget
{
    private static readonly Lazy<ChainValidator> s_validator = new(() => new ChainValidator(FuzzPki.Anchors));

    public static void Run(byte[] input)
    {
        if (input.Length == 0) return;
        byte control = input[0];
        var options = new ValidationOptions
        {
            Time = FuzzPki.Now,
            Purpose = (control & 1) == 0 ? KeyPurpose.ServerAuth : KeyPurpose.ClientAuth,
            DnsName = (control & 2) != 0 ? "localhost" : null,
            StrictProfile = (control & 4) == 0,
            InitialExplicitPolicy = (control & 8) != 0,
        };
        var chain = new List<Certificate>();
        try
        {
            var reader = new DerReader(input.AsSpan(1));
            while (reader.HasData) chain.Add(Certificate.Parse(reader.ReadEncodedValue("chain").ToArray()));
        }
        catch (X509Exception)
        {
            return;
        }
        // Validate never throws for bad certificates: the outcome is in the result.
        var result = s_validator.Value.Validate(chain, options);
        if (result.IsValid && !FuzzPki.Anchors.ContainsExactly(result.Chain[^1]))
            throw new InvalidOperationException("a valid path does not end at a trust anchor");
    }
}
