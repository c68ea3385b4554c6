using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace TlsEngine.Handshake.Tests.Rfc8448;

public sealed partial class Rfc8448TraceTests
{
    // The shared folder's README states the file has 538 labelled "(N octets):" values.
    private const int ReadmeLabelledValueCount = 538;

    private static readonly Lazy<string> s_rawText = new(() => File.ReadAllText(Rfc8448Trace.DefaultPath));

    private static string RawText => s_rawText.Value;

    private static IReadOnlyList<TraceSection> Trace => Rfc8448Trace.Default;

    private static byte[] FromHex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    // ---------------------------------------------------------------- whole-file structure

    [Fact]
    public void DefaultPath_PointsAtAnExistingRfc8448File()
    {
        string path = Rfc8448Trace.DefaultPath;
        Assert.True(File.Exists(path), path);
        Assert.Equal(Rfc8448Trace.FileName, Path.GetFileName(path));
        Assert.StartsWith("Internet Engineering Task Force", File.ReadLines(path).First(l => l.Length > 0), StringComparison.Ordinal);
        Assert.Contains("Request for Comments: 8448", RawText, StringComparison.Ordinal);
    }

    [Fact]
    public void Finds538LabelledValues_SameCountAsAnIndependentRegexOverTheRawText()
    {
        int rawCount = RawOctetLabel().Count(RawText);
        int parsedCount = Trace.AllValues().Count();

        Assert.Equal(rawCount, parsedCount);
        Assert.Equal(ReadmeLabelledValueCount, rawCount);
    }

    [Fact]
    public void EveryRawLabel_IsParsedAtTheSameLineWithTheSameNameAndDeclaredLength()
    {
        var raw = new List<(int Line, string Name, int Length)>();
        string[] lines = RawText.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match m = RawOctetLabelLine().Match(lines[i]);
            if (m.Success)
            {
                raw.Add((i + 1, m.Groups["name"].Value, int.Parse(m.Groups["len"].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        var parsed = Trace.AllValues().Select(v => (v.LineNumber, v.Name, v.DeclaredLength)).ToList();

        Assert.Equal(raw, parsed);
        Assert.All(Trace.AllValues(), v => Assert.Equal(v.DeclaredLength, v.Memory.Length));
        Assert.Equal(raw.Sum(r => r.Length), Trace.AllValues().Sum(v => v.Bytes.Length));
    }

    [Fact]
    public void Sections3To7_AreFoundWithTheirTitles_AndEveryStepLineIsParsed()
    {
        Assert.Equal(
            new[]
            {
                (3, "Simple 1-RTT Handshake"),
                (4, "Resumed 0-RTT Handshake"),
                (5, "HelloRetryRequest"),
                (6, "Client Authentication"),
                (7, "Compatibility Mode"),
            },
            Trace.Select(s => (s.Number, s.Title)).ToArray());

        int rawSteps = RawStepLine().Count(RawText);
        Assert.Equal(rawSteps, Trace.Sum(s => s.Steps.Count));
        Assert.True(rawSteps > 250, $"only {rawSteps} step lines");

        // Per-section value counts, counted independently from the raw text between the section headings.
        foreach (TraceSection section in Trace)
        {
            int start = RawText.IndexOf($"\n{section.Number}.  {section.Title}\n", StringComparison.Ordinal);
            int end = RawText.IndexOf($"\n{section.Number + 1}.  ", start + 1, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, $"section {section.Number} not found in raw text");
            Assert.Equal(RawOctetLabel().Count(RawText[start..end]), section.AllValues.Count());
        }
    }

    [Fact]
    public void StepDescriptions_AreJoinedAcrossWrappedLines_AndHaveNoTrailingColon()
    {
        TraceSection s3 = Rfc8448Trace.Section(3);

        Assert.Single(s3.Steps, s => s.Role == TraceRole.Client &&
            s.Description == "extract secret \"handshake\" (same as server handshake secret)");
        Assert.Single(s3.Steps, s => s.Role == TraceRole.Client &&
            s.Description == "derive read traffic keys for handshake data (same as server handshake data write traffic keys)");
        Assert.All(Trace.SelectMany(s => s.Steps), step =>
        {
            Assert.False(step.Description.EndsWith(':'), step.Description);
            Assert.DoesNotContain("  ", step.Description, StringComparison.Ordinal);
        });

        // "salt:  0 (all zero octets)" is kept as a note, not counted as a value.
        TraceStep early = s3.FindSteps("extract secret \"early\"", TraceRole.Server).Single();
        Assert.Equal(new[] { "salt:  0 (all zero octets)" }, early.Notes);
        Assert.Equal(new[] { "IKM", "secret" }, early.Values.Select(v => v.Name));
    }

    // ---------------------------------------------------------------- specific values

    [Fact]
    public void Section3_ClientHello_Is196Octets_AndIsTheRecordPayload()
    {
        // Note: RFC 8448 section 3's ClientHello is 196 octets (01 00 00 c0 ...); the 192-octet
        // "01 00 00 bc 03 03" ClientHello is the one in section 6 (see the next test).
        TraceSection s3 = Rfc8448Trace.Section(3);
        byte[] clientHello = s3.Value(TraceRole.Client, "construct a ClientHello handshake message", "ClientHello");

        Assert.Equal(196, clientHello.Length);
        Assert.Equal(FromHex("01 00 00 c0 03 03 cb 34 ec b1"), clientHello[..10]);
        Assert.Equal(FromHex("02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01"), clientHello[^15..]);

        byte[] payload = s3.Value(TraceRole.Client, "send handshake record", "payload");
        byte[] record = s3.Value(TraceRole.Client, "send handshake record", "complete record");
        Assert.Equal(clientHello, payload);
        Assert.Equal(FromHex("16 03 01 00 c4"), record[..5]);
        Assert.Equal(clientHello, record[5..]);
    }

    [Fact]
    public void Section6_ClientHello_Is192Octets_StartingWith_01_00_00_bc_03_03()
    {
        byte[] clientHello = Rfc8448Trace.Section(6).Value("construct a ClientHello", "ClientHello");

        Assert.Equal(192, clientHello.Length);
        Assert.Equal(FromHex("01 00 00 bc 03 03"), clientHello[..6]);
    }

    [Fact]
    public void Section3_ServerHandshakeDerivedSecret_HasTheRfcValue_AndIsHkdfExpandOfItsInputs()
    {
        TraceSection s3 = Rfc8448Trace.Section(3);
        const string step = "derive secret for handshake \"tls13 derived\"";

        byte[] prk = s3.Value(TraceRole.Server, step, "PRK");
        byte[] hash = s3.Value(TraceRole.Server, step, "hash");
        byte[] info = s3.Value(TraceRole.Server, step, "info");
        byte[] expanded = s3.Value(TraceRole.Server, step, "expanded");

        Assert.Equal(FromHex("33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a"), prk);
        Assert.Equal(SHA256.HashData(ReadOnlySpan<byte>.Empty), hash);
        Assert.Equal(FromHex("00 20 0d").Concat("tls13 derived"u8.ToArray()).Append((byte)0x20).Concat(hash).ToArray(), info);
        Assert.Equal(FromHex("6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba"), expanded);
        Assert.Equal(HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, info), expanded);

        // It is the salt of the next extraction, and the client computes the same value.
        Assert.Equal(expanded, s3.Value(TraceRole.Server, "extract secret \"handshake\"", "salt"));
        Assert.Equal(expanded, s3.Value(TraceRole.Client, step, "expanded"));
    }

    [Fact]
    public void Section5_HasTwoClientHellos_WithTheSameRandom()
    {
        TraceSection s5 = Rfc8448Trace.Section(5);
        var clientHellos = s5.FindValues("construct a ClientHello", "ClientHello", TraceRole.Client).ToList();

        Assert.Equal(2, clientHellos.Count);
        Assert.Equal(2, s5.AllValues.Count(v => v.Name == "ClientHello"));
        Assert.Equal(new[] { 180, 512 }, clientHellos.Select(v => v.DeclaredLength));

        byte[] first = s5.Value("construct a ClientHello", "ClientHello", 0);
        byte[] second = s5.Value("construct a ClientHello", "ClientHello", 1);
        Assert.Equal(FromHex("01 00 00 b0 03 03"), first[..6]);
        Assert.Equal(FromHex("01 00 01 fc 03 03"), second[..6]);
        Assert.NotEqual(first, second);
        Assert.Equal(first[6..38], second[6..38]); // RFC 8446 4.1.2: ClientHello after HRR keeps the random

        Assert.Throws<KeyNotFoundException>(() => s5.Value("construct a ClientHello", "ClientHello", 2));
    }

    [Fact]
    public void Section6_ContainsAClientCertificateVerify()
    {
        TraceSection s6 = Rfc8448Trace.Section(6);

        TraceValue cv = s6.FindValues("construct a CertificateVerify", "CertificateVerify", TraceRole.Client).Single();
        Assert.Equal(TraceRole.Client, cv.Step.Role);
        Assert.Equal(6, cv.Step.SectionNumber);
        Assert.Equal(136, cv.DeclaredLength);
        Assert.Equal(FromHex("0f 00 00 84 08 04 00 80 18 6b 22"), cv.Bytes[..11]); // rsa_pss_rsae_sha256, 128-byte signature

        // The server's CertificateVerify in section 6 is a different (ECDSA P-256) one.
        byte[] serverCv = s6.Value(TraceRole.Server, "construct a CertificateVerify", "CertificateVerify");
        Assert.Equal(FromHex("0f 00 00 4b 04 03"), serverCv[..6]);

        // Only section 6 has client authentication.
        Assert.All(Trace.Where(s => s.Number != 6), s =>
            Assert.Empty(s.FindValues("CertificateVerify", "CertificateVerify", TraceRole.Client)));
    }

    // ---------------------------------------------------------------- cryptographic cross-checks over every value

    [Fact]
    public void EveryHkdfStepInTheFile_IsConsistent()
    {
        int expands = 0, extracts = 0, binders = 0;
        foreach (TraceStep step in Trace.SelectMany(s => s.Steps))
        {
            if (step.HasValue("PRK"))
            {
                byte[] prk = step.Value("PRK");
                foreach ((string infoName, string outName) in new[] { ("info", "expanded"), ("key info", "key expanded"), ("iv info", "iv expanded") })
                {
                    if (!step.HasValue(outName))
                    {
                        continue;
                    }

                    byte[] info = step.Value(infoName);
                    byte[] output = step.Value(outName);
                    Assert.Equal(output.Length, (info[0] << 8) | info[1]);
                    Assert.StartsWith("tls13 ", Encoding.ASCII.GetString(info, 3, info[2]), StringComparison.Ordinal);
                    byte[] context = info[(3 + info[2] + 1)..];
                    Assert.Equal(info[3 + info[2]], context.Length);
                    if (outName == "expanded")
                    {
                        Assert.Equal(step.Value("hash"), context);
                    }

                    Assert.Equal(HKDF.Expand(HashAlgorithmName.SHA256, prk, output.Length, info), output);
                    expands++;
                }
            }

            if (step.HasValue("IKM"))
            {
                byte[] salt = step.HasValue("salt") ? step.Value("salt") : new byte[32];
                if (!step.HasValue("salt"))
                {
                    Assert.Contains("salt:  0 (all zero octets)", step.Notes);
                }

                Assert.Equal(HKDF.Extract(HashAlgorithmName.SHA256, step.Value("IKM"), salt), step.Value("secret"));
                extracts++;
            }

            if (step.HasValue("binder hash"))
            {
                Assert.Equal(SHA256.HashData(step.Value("ClientHello prefix")), step.Value("binder hash"));
                Assert.Equal(HMACSHA256.HashData(step.Value("expanded"), step.Value("binder hash")), step.Value("finished"));
                binders++;
            }
        }

        var all = Trace.AllValues().ToList();
        Assert.Equal(all.Count(v => v.Name is "expanded" or "key expanded" or "iv expanded"), expands);
        Assert.Equal(all.Count(v => v.Name == "secret"), extracts);
        Assert.Equal(1, binders);
        Assert.True(expands > 90 && extracts > 10, $"{expands} expands, {extracts} extracts");
    }

    [Fact]
    public void EveryHandshakeMessageAndRecord_HasAConsistentHeader()
    {
        var handshakeTypes = new Dictionary<string, byte>
        {
            ["ClientHello"] = 1,
            ["ServerHello"] = 2,
            ["NewSessionTicket"] = 4,
            ["EndOfEarlyData"] = 5,
            ["EncryptedExtensions"] = 8,
            ["Certificate"] = 11,
            ["CertificateRequest"] = 13,
            ["CertificateVerify"] = 15,
            ["Finished"] = 20,
        };

        int messages = 0, records = 0;
        foreach (TraceValue value in Trace.AllValues())
        {
            byte[] b = value.Bytes;
            if (handshakeTypes.TryGetValue(value.Name, out byte type))
            {
                Assert.Equal(type, b[0]);
                if (value.Step.SectionNumber == 4 && value.Name == "ClientHello")
                {
                    // Section 4 shows the 0-RTT ClientHello before its PSK binders are appended (the header
                    // already counts them); the record payload is that prefix + binders length + binder.
                    TraceSection s4 = Rfc8448Trace.Section(4);
                    Assert.Equal(s4.Value("calculate PSK binder", "ClientHello prefix"), b);
                    byte[] withBinders = b.Concat(FromHex("00 21 20")).Concat(s4.Value("calculate PSK binder", "finished")).ToArray();
                    Assert.Equal(s4.Value(TraceRole.Client, "send handshake record", "payload"), withBinders);
                    b = withBinders;
                }

                Assert.Equal(b.Length - 4, (b[1] << 16) | (b[2] << 8) | b[3]);
                messages++;
            }
            else if (value.Name == "complete record")
            {
                Assert.Contains(b[0], new byte[] { 20, 21, 22, 23 });
                Assert.Equal(3, b[1]);
                Assert.Equal(b.Length - 5, (b[3] << 8) | b[4]);
                records++;
            }
        }

        Assert.Equal(40, messages);
        Assert.Equal(41, records);

        // Each Finished message carries the "finished" value computed just before it in the same section.
        foreach (TraceSection section in Trace)
        {
            var values = section.AllValues.ToList();
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i].Name == "Finished")
                {
                    TraceValue verifyData = values.Take(i).Last(v => v.Name == "finished");
                    Assert.Equal(FromHex("14 00 00 20").Concat(verifyData.Bytes).ToArray(), values[i].Bytes);
                }
            }
        }
    }

    // ---------------------------------------------------------------- parser behaviour on synthetic input

    private const string Page = "\n\n\n\nThomson                       Informational                     [Page 5]\n\f\nRFC 8448                     TLS 1.3 Traces                 January 2019\n\n\n";

    private static string Synthetic(string body) =>
        "Front matter\n\n3.  Simple 1-RTT Handshake\n\n   Some prose.\n\n" + body + "\n4.  Something Else\n\n   prose\n";

    [Fact]
    public void Parse_JoinsAHexDumpSplitByAPageBreak_AndStripsHeadersAndFooters()
    {
        string text = Synthetic(
            "   {server}  derive secret for handshake \"tls13 derived\":\n\n" +
            "      PRK (20 octets):  00 01 02 03 04 05 06 07 08 09 0a 0b 0c\n" +
            "         0d 0e 0f" + Page +
            "         10 11 12 13\n\n" +
            "      hash (0 octets):  (empty)\n\n" +
            "   {client}  extract secret \"handshake\" (same as server handshake" + Page +
            "      secret)\n");

        TraceSection section = Rfc8448Trace.Parse(text).Single();
        Assert.Equal(3, section.Number);
        Assert.Equal(2, section.Steps.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), section.Value("tls13 derived", "PRK"));
        Assert.Empty(section.Value("tls13 derived", "hash"));
        Assert.Equal("extract secret \"handshake\" (same as server handshake secret)", section.Steps[1].Description);
        Assert.Empty(section.Steps[1].Values);
    }

    [Fact]
    public void Parse_Throws_WhenAValueHasFewerBytesThanDeclared()
    {
        string text = Synthetic(
            "   {server}  derive secret:\n\n" +
            "      PRK (32 octets):  33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2\n" +
            "         10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9\n");

        FormatException e = Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(text));
        Assert.Contains("declares 32 octets but 31", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Throws_WhenAValueHasMoreBytesThanDeclared()
    {
        string text = Synthetic(
            "   {client}  send alert record:\n\n" +
            "      payload (2 octets):  01 00 ff\n");

        Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(text));
    }

    [Fact]
    public void Parse_Throws_WhenEmptyIsDeclaredWithANonZeroLength()
    {
        string text = Synthetic("   {server}  calculate finished:\n\n      hash (32 octets):  (empty)\n");

        Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(text));
    }

    [Fact]
    public void Parse_Throws_OnAHexLineWithoutAValue()
    {
        string text = Synthetic("   {server}  calculate finished:\n\n         00 01 02\n");

        FormatException e = Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(text));
        Assert.Contains("without an open value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Throws_OnMalformedHexOrUnknownLinesInsideATrace()
    {
        Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(Synthetic(
            "   {server}  x:\n\n      PRK (2 octets):  0g 01\n")));
        Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(Synthetic(
            "   {server}  x:\n\n      PRK (2 octets):  00 01\n\n   A stray paragraph.\n")));
        Assert.Throws<FormatException>(() => Rfc8448Trace.Parse(Synthetic(
            "   {server}  x:\n\n      PRK (3 octets):  00 01\n        02\n")));
    }

    [Fact]
    public void Lookups_ThrowKeyNotFound_ForMissingSectionsStepsAndValues()
    {
        Assert.Throws<KeyNotFoundException>(() => Rfc8448Trace.Section(2));
        Assert.Throws<KeyNotFoundException>(() => Rfc8448Trace.Section(8));
        Assert.Throws<KeyNotFoundException>(() => Rfc8448Trace.Section(3).Value("no such step", "PRK"));
        Assert.Throws<KeyNotFoundException>(() => Rfc8448Trace.Section(3).Value("tls13 derived", "no such value"));
        Assert.Throws<KeyNotFoundException>(() => Rfc8448Trace.Section(3).Value(TraceRole.Client, "construct a ServerHello", "ServerHello"));
    }

    [Fact]
    public void Value_ReturnsACopy()
    {
        TraceSection s3 = Rfc8448Trace.Section(3);
        byte[] a = s3.Value("construct a ServerHello", "ServerHello");
        a[0] ^= 0xff;
        Assert.Equal(0x02, s3.Value("construct a ServerHello", "ServerHello")[0]);
    }

    // ---------------------------------------------------------------- locating the file

    [Fact]
    public void TryLocate_WalksUpToSharedRfc_AndFindsItNextToTheSolutionFolder()
    {
        string root = Path.Combine(Path.GetTempPath(), "r8448-" + Guid.NewGuid().ToString("N"));
        try
        {
            string rfcDir = Directory.CreateDirectory(Path.Combine(root, "shared", "rfc")).FullName;
            string file = Path.Combine(rfcDir, Rfc8448Trace.FileName);
            File.WriteAllText(file, "x");
            string repo = Directory.CreateDirectory(Path.Combine(root, "repo")).FullName;
            File.WriteAllText(Path.Combine(repo, "TlsEngine.sln"), "");
            string deep = Directory.CreateDirectory(Path.Combine(repo, "tests", "bin", "Debug", "net10.0")).FullName;

            Assert.Equal(file, Rfc8448Trace.TryLocate(null, [null, "", deep]));
            Assert.Equal(file, Rfc8448Trace.TryLocate("  ", [repo]));
            Assert.Equal(file, Rfc8448Trace.TryLocate(rfcDir, [Path.GetTempPath()]));
            Assert.Equal(file, Rfc8448Trace.TryLocate(file, []));
            Assert.Null(Rfc8448Trace.TryLocate(Path.Combine(root, "repo"), [deep])); // explicit directory wins, even if wrong
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [GeneratedRegex(@"\(\d+ octets\):")]
    private static partial Regex RawOctetLabel();

    [GeneratedRegex(@"^\s+(?<name>\S.*?) \((?<len>\d+) octets\):")]
    private static partial Regex RawOctetLabelLine();

    [GeneratedRegex(@"^   \{(client|server)\}", RegexOptions.Multiline)]
    private static partial Regex RawStepLine();
}
