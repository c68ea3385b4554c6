using System.Net;
using System.Security.Cryptography.X509Certificates;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

public class MutationTests
{
    // X509_MUTATION_ITERATIONS raises the count for a longer local run.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("X509_MUTATION_ITERATIONS"), out int n) && n > 0 ? n : 6000;

    [Fact]
    public void MutatedCertificatesOnlyEverThrowX509Exception()
    {
        TestCert root = TestPki.Root();
        TestCert inter = TestPki.Intermediate(root, key: TestKey.Rsa2048Pss);
        TestCert leaf = TestPki.Leaf(inter, edit: s => new CertSpec
        {
            KeyUsage = X509KeyUsageFlags.DigitalSignature,
            Eku = ["1.3.6.1.5.5.7.3.1"],
            DnsNames = ["a.example.com", "*.b.example.com"],
            IpAddresses = [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1")],
            Uris = ["spiffe://example.org/x"],
            Extra = [new BclExtension("1.2.3.4.9", [0x05, 0x00], true)],
        });
        byte[][] seeds = [root.Der, inter.Der, leaf.Der];
        var validator = TestPki.Validator(root);
        var random = new Random(5280);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(seeds[i % seeds.Length], random);
            Certificate? cert;
            try
            {
                cert = Certificate.Parse(input);
                parsed++;
            }
            catch (X509Exception)
            {
                rejected++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name} escaped Certificate.Parse: {e}\ninput {Convert.ToHexString(input)}");
                return;
            }
            Exercise(cert, validator, inter.Parsed, i, input);
        }
        Assert.True(rejected > Iterations / 4, $"only {rejected} mutations were rejected");
        Assert.True(parsed > 0, "no mutation parsed at all");
    }

    private static void Exercise(Certificate cert, ChainValidator validator, Certificate inter, int iteration, byte[] input)
    {
        try
        {
            _ = cert.ToString();
            _ = cert.Issuer.ToString();
            _ = cert.SpiffeId;
            _ = cert.ExtendedKeyUsage;
            foreach (GeneralName n in cert.SubjectAlternativeNames)
                _ = n.ToString();
            try
            {
                _ = cert.PublicKey;
            }
            catch (X509Exception)
            {
            }
            ValidationResult r = validator.Validate([cert, inter], new ValidationOptions { Time = TestPki.Now, DnsName = "a.example.com", Purpose = KeyPurpose.ServerAuth });
            Assert.True(r.IsValid || r.Error is not null);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"iteration {iteration}: {e.GetType().Name} escaped after parsing: {e}\ninput {Convert.ToHexString(input)}");
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        int count = 1 + random.Next(3);
        for (int m = 0; m < count && data.Count > 0; m++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)(random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x80, _ => 0x81 });
                    break;
                case 2:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    data.RemoveAt(at);
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    data[at] = (byte)random.Next(256);
                    break;
                default:
                    int len = Math.Min(random.Next(1, 16), data.Count - at);
                    data.InsertRange(at, data.GetRange(at, len));
                    break;
            }
        }
        return data.ToArray();
    }

    [Fact]
    public void RandomBytesOnlyEverThrowX509Exception()
    {
        var random = new Random(4514);
        for (int i = 0; i < 3000; i++)
        {
            byte[] input = new byte[random.Next(0, 64)];
            random.NextBytes(input);
            if (input.Length > 0 && i % 2 == 0)
                input[0] = 0x30;
            try
            {
                Certificate.Parse(input);
                DistinguishedName.Parse(input);
            }
            catch (X509Exception)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} escaped for input {Convert.ToHexString(input)}: {e}");
            }
        }
    }
}
