using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace TlsEngine.Handshake.Tests.Rfc8448;

/// <summary>Which side of the connection a trace step belongs to (<c>{client}</c> or <c>{server}</c>).</summary>
public enum TraceRole
{
    Client,
    Server,
}

/// <summary>
/// One labelled hex value of a trace step, e.g. <c>PRK (32 octets):  33 ad 0a ...</c>.
/// The parser guarantees that the number of bytes equals <see cref="DeclaredLength"/>.
/// </summary>
public sealed class TraceValue
{
    private readonly byte[] _bytes;

    internal TraceValue(TraceStep step, string name, int declaredLength, byte[] bytes, int lineNumber)
    {
        Step = step;
        Name = name;
        DeclaredLength = declaredLength;
        _bytes = bytes;
        LineNumber = lineNumber;
    }

    /// <summary>The step this value belongs to.</summary>
    public TraceStep Step { get; }

    /// <summary>The label, e.g. <c>PRK</c>, <c>hash</c>, <c>info</c>, <c>expanded</c>, <c>ClientHello</c>, <c>complete record</c>.</summary>
    public string Name { get; }

    /// <summary>The <c>N</c> of <c>(N octets)</c>.</summary>
    public int DeclaredLength { get; }

    /// <summary>1-based line number of the value's label line in the RFC text file.</summary>
    public int LineNumber { get; }

    /// <summary>A fresh copy of the value's bytes (callers may modify it freely).</summary>
    public byte[] Bytes => (byte[])_bytes.Clone();

    /// <summary>The value's bytes without copying.</summary>
    public ReadOnlyMemory<byte> Memory => _bytes;

    /// <summary>Lower-case hex without separators.</summary>
    public string Hex => Convert.ToHexStringLower(_bytes);

    public override string ToString() =>
        $"{Name} ({DeclaredLength} octets) [line {LineNumber.ToString(CultureInfo.InvariantCulture)}]";
}

/// <summary>
/// One <c>{client}</c>/<c>{server}</c> step of a trace, e.g.
/// <c>{server}  derive secret for handshake "tls13 derived":</c>, with its values in order.
/// </summary>
public sealed class TraceStep
{
    private readonly List<TraceValue> _values = new();
    private readonly List<string> _notes = new();

    internal TraceStep(int sectionNumber, TraceRole role, string description, int lineNumber)
    {
        SectionNumber = sectionNumber;
        Role = role;
        Description = description;
        LineNumber = lineNumber;
    }

    /// <summary>Number of the top-level RFC section (3..7) the step is in.</summary>
    public int SectionNumber { get; }

    public TraceRole Role { get; }

    /// <summary>
    /// The step text after the role, with wrapped lines joined by one space and the trailing colon
    /// removed, e.g. <c>derive secret for handshake "tls13 derived"</c> or
    /// <c>extract secret "handshake" (same as server handshake secret)</c>.
    /// </summary>
    public string Description { get; internal set; }

    /// <summary>1-based line number of the step line in the RFC text file.</summary>
    public int LineNumber { get; }

    /// <summary>The labelled <c>(N octets)</c> values, in file order.</summary>
    public IReadOnlyList<TraceValue> Values => _values;

    /// <summary>
    /// Labelled lines that are not hex values, verbatim (trimmed), e.g. <c>salt:  0 (all zero octets)</c>.
    /// </summary>
    public IReadOnlyList<string> Notes => _notes;

    internal void AddValue(TraceValue value) => _values.Add(value);

    internal void AddNote(string note) => _notes.Add(note);

    /// <summary>True if the step has a value labelled exactly <paramref name="valueName"/>.</summary>
    public bool HasValue(string valueName) => _values.Exists(v => v.Name == valueName);

    /// <summary>A copy of the bytes of the <paramref name="occurrence"/>-th value labelled exactly <paramref name="valueName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such value.</exception>
    public byte[] Value(string valueName, int occurrence = 0)
    {
        ArgumentNullException.ThrowIfNull(valueName);
        ArgumentOutOfRangeException.ThrowIfNegative(occurrence);
        var matches = _values.Where(v => v.Name == valueName).ToList();
        if (occurrence >= matches.Count)
        {
            throw new KeyNotFoundException(
                $"Step '{this}' (line {LineNumber}) has {matches.Count} value(s) named '{valueName}'; " +
                $"occurrence {occurrence} requested. Values: {string.Join(", ", _values.Select(v => v.Name))}.");
        }

        return matches[occurrence].Bytes;
    }

    public override string ToString() => $"{{{(Role == TraceRole.Client ? "client" : "server")}}}  {Description}";
}

/// <summary>A top-level section of RFC 8448 that contains a trace, e.g. <c>3.  Simple 1-RTT Handshake</c>.</summary>
public sealed class TraceSection
{
    internal TraceSection(int number, string title, int lineNumber, IReadOnlyList<TraceStep> steps)
    {
        Number = number;
        Title = title;
        LineNumber = lineNumber;
        Steps = steps;
    }

    public int Number { get; }

    /// <summary>The heading text after the number, e.g. <c>Simple 1-RTT Handshake</c>.</summary>
    public string Title { get; }

    /// <summary>1-based line number of the section heading in the RFC text file.</summary>
    public int LineNumber { get; }

    /// <summary>All steps, in file order (including "(same as ...)" steps that have no values).</summary>
    public IReadOnlyList<TraceStep> Steps { get; }

    /// <summary>Every labelled value of the section, in file order.</summary>
    public IEnumerable<TraceValue> AllValues => Steps.SelectMany(s => s.Values);

    /// <summary>Steps whose description contains <paramref name="descriptionContains"/> (ordinal, case-sensitive), optionally of one role.</summary>
    public IEnumerable<TraceStep> FindSteps(string descriptionContains, TraceRole? role = null)
    {
        ArgumentNullException.ThrowIfNull(descriptionContains);
        return Steps.Where(s =>
            (role is null || s.Role == role) &&
            s.Description.Contains(descriptionContains, StringComparison.Ordinal));
    }

    /// <summary>
    /// Values labelled exactly <paramref name="valueName"/> in steps whose description contains
    /// <paramref name="stepDescriptionContains"/>, optionally of one role, in file order.
    /// </summary>
    public IEnumerable<TraceValue> FindValues(string stepDescriptionContains, string valueName, TraceRole? role = null)
    {
        ArgumentNullException.ThrowIfNull(valueName);
        return FindSteps(stepDescriptionContains, role).SelectMany(s => s.Values).Where(v => v.Name == valueName);
    }

    /// <summary>
    /// A copy of the bytes of the <paramref name="occurrence"/>-th (0-based, file order) value labelled exactly
    /// <paramref name="valueName"/> among the steps whose description contains <paramref name="stepDescriptionContains"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">Fewer than <paramref name="occurrence"/> + 1 matches.</exception>
    public byte[] Value(string stepDescriptionContains, string valueName, int occurrence = 0) =>
        FindOne(stepDescriptionContains, valueName, occurrence, role: null).Bytes;

    /// <summary>As <see cref="Value(string, string, int)"/>, restricted to steps of <paramref name="role"/>.</summary>
    public byte[] Value(TraceRole role, string stepDescriptionContains, string valueName, int occurrence = 0) =>
        FindOne(stepDescriptionContains, valueName, occurrence, role).Bytes;

    private TraceValue FindOne(string stepDescriptionContains, string valueName, int occurrence, TraceRole? role)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(occurrence);
        var matches = FindValues(stepDescriptionContains, valueName, role).ToList();
        if (occurrence >= matches.Count)
        {
            string who = role is null ? "" : $" {{{role.Value.ToString().ToLowerInvariant()}}}";
            throw new KeyNotFoundException(
                $"Section {Number} has {matches.Count} value(s) named '{valueName}' in{who} steps containing " +
                $"'{stepDescriptionContains}'; occurrence {occurrence} requested.");
        }

        return matches[occurrence];
    }

    public override string ToString() => $"{Number}.  {Title}";
}

/// <summary>
/// Reader for the hex traces of RFC 8448 ("Example Handshake Traces for TLS 1.3") in the RFC Editor's
/// paginated plain-text format. Page footers, form feeds and page headers (and the blank padding around them)
/// are removed before parsing, so hex dumps that are split by a page break are joined again.
/// </summary>
/// <remarks>
/// Only top-level sections that contain <c>{client}</c>/<c>{server}</c> steps are returned (3 to 7). Text of a section
/// before its first step is prose and is skipped; after the first step every non-blank line must be a step line, a
/// step-description continuation, a labelled value <c>name (N octets):  hex</c> (or <c>(empty)</c>), a hex
/// continuation line, or a labelled non-hex note such as <c>salt:  0 (all zero octets)</c>; anything else, and any
/// value whose byte count differs from its declared <c>N</c>, raises <see cref="FormatException"/> with the line number.
/// </remarks>
public static partial class Rfc8448Trace
{
    /// <summary>Environment variable naming the directory that holds <c>rfc8448.txt</c> (or the file itself).</summary>
    public const string RfcDirectoryVariable = "TLSENGINE_RFC_DIR";

    public const string FileName = "rfc8448.txt";

    private static readonly Lazy<IReadOnlyList<TraceSection>> s_default = new(() => Load());

    /// <summary>
    /// Full path of <c>rfc8448.txt</c>. If <c>TLSENGINE_RFC_DIR</c> is set it is used (and must be right);
    /// otherwise the directories from <see cref="AppContext.BaseDirectory"/>, from the current directory and from
    /// this source file's directory up to the root are searched for <c>shared/rfc/rfc8448.txt</c>, and, for a
    /// directory holding <c>TlsEngine.sln</c>, for <c>../shared/rfc/rfc8448.txt</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file cannot be found.</exception>
    public static string DefaultPath
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(RfcDirectoryVariable);
            string[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory()];
            string? found = TryLocate(configured, starts);
            if (found is not null)
            {
                return found;
            }

            if (!string.IsNullOrWhiteSpace(configured))
            {
                throw new FileNotFoundException(
                    $"{RfcDirectoryVariable} is set to '{configured}', but no {FileName} is there.", configured);
            }

            throw new FileNotFoundException(
                $"Could not find shared/rfc/{FileName} above any of: {string.Join(", ", starts.Select(s => $"'{s}'"))}. " +
                $"Set {RfcDirectoryVariable} to the directory that contains {FileName}.", FileName);
        }
    }

    /// <summary>
    /// The search behind <see cref="DefaultPath"/>, with explicit inputs. If <paramref name="rfcDirectory"/> is
    /// non-blank it alone decides: the file inside it (or the path itself, if it is the file), or null.
    /// Otherwise walks up from each start directory in turn; returns null if nothing is found.
    /// </summary>
    public static string? TryLocate(string? rfcDirectory, IEnumerable<string?> startDirectories)
    {
        ArgumentNullException.ThrowIfNull(startDirectories);
        if (!string.IsNullOrWhiteSpace(rfcDirectory))
        {
            string configured = Path.GetFullPath(rfcDirectory.Trim());
            if (File.Exists(configured) && string.Equals(Path.GetFileName(configured), FileName, StringComparison.OrdinalIgnoreCase))
            {
                return configured;
            }

            string inside = Path.Combine(configured, FileName);
            return File.Exists(inside) ? inside : null;
        }

        foreach (string? start in startDirectories)
        {
            if (string.IsNullOrWhiteSpace(start))
            {
                continue;
            }

            DirectoryInfo? dir;
            try
            {
                dir = new DirectoryInfo(Path.GetFullPath(start));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                continue;
            }

            for (; dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "rfc", FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                if (File.Exists(Path.Combine(dir.FullName, "TlsEngine.sln")))
                {
                    candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "rfc", FileName));
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Parses the file at <paramref name="path"/> (default: <see cref="DefaultPath"/>). Not cached.</summary>
    public static IReadOnlyList<TraceSection> Load(string? path = null) =>
        Parse(File.ReadAllText(path ?? DefaultPath));

    /// <summary>The default file, parsed once and cached (the objects are immutable; byte accessors return copies).</summary>
    public static IReadOnlyList<TraceSection> Default => s_default.Value;

    /// <summary>Section <paramref name="number"/> (3..7) of the cached default trace.</summary>
    public static TraceSection Section(int number) => Default.Section(number);

    /// <summary>Section <paramref name="number"/> of a parsed trace.</summary>
    /// <exception cref="KeyNotFoundException">No trace section with that number.</exception>
    public static TraceSection Section(this IReadOnlyList<TraceSection> sections, int number)
    {
        ArgumentNullException.ThrowIfNull(sections);
        return sections.FirstOrDefault(s => s.Number == number)
            ?? throw new KeyNotFoundException(
                $"No trace section {number}; sections: {string.Join(", ", sections.Select(s => s.Number))}.");
    }

    /// <summary>Every labelled value of every section, in file order.</summary>
    public static IEnumerable<TraceValue> AllValues(this IEnumerable<TraceSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        return sections.SelectMany(s => s.AllValues);
    }

    /// <summary>Parses RFC 8448 text (paginated or not). See the class remarks for the accepted format.</summary>
    /// <exception cref="FormatException">The text does not follow the trace format.</exception>
    public static IReadOnlyList<TraceSection> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser();
        foreach ((int lineNumber, string line) in StripPagination(text))
        {
            parser.Feed(lineNumber, line);
        }

        return parser.Finish();
    }

    /// <summary>
    /// Splits into lines (1-based original line numbers), right-trims them, and drops page footers, form feeds,
    /// page headers and the runs of blank lines directly before a footer and after a header.
    /// </summary>
    private static List<(int LineNumber, string Text)> StripPagination(string text)
    {
        string[] raw = text.Split('\n');
        var lines = new string[raw.Length];
        var drop = new bool[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            string line = raw[i].TrimEnd('\r', ' ', '\t');
            bool hadFormFeed = line.Contains('\f', StringComparison.Ordinal);
            if (hadFormFeed)
            {
                line = line.Replace("\f", "", StringComparison.Ordinal).TrimEnd();
            }

            lines[i] = line;
            drop[i] = (hadFormFeed && line.Length == 0) || PageFooter().IsMatch(line) || PageHeader().IsMatch(line);
        }

        for (int i = 0; i < raw.Length; i++)
        {
            if (!drop[i] || lines[i].Length == 0)
            {
                continue;
            }

            for (int j = i - 1; j >= 0 && lines[j].Length == 0; j--)
            {
                drop[j] = true;
            }

            for (int j = i + 1; j < raw.Length && lines[j].Length == 0; j++)
            {
                drop[j] = true;
            }
        }

        var result = new List<(int, string)>(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            if (!drop[i])
            {
                result.Add((i + 1, lines[i]));
            }
        }

        return result;
    }

    private sealed class Parser
    {
        private readonly List<TraceSection> _sections = new();
        private readonly HashSet<int> _seenNumbers = new();

        private int _sectionNumber;
        private string? _sectionTitle;
        private int _sectionLine;
        private List<TraceStep>? _steps;

        private TraceStep? _step;
        private bool _descriptionOpen;
        private readonly StringBuilder _description = new();

        private string? _valueName;
        private int _valueDeclared;
        private int _valueLine;
        private bool _valueEmptyMarker;
        private readonly List<byte> _valueBytes = new();

        public void Feed(int lineNumber, string line)
        {
            if (line.Length == 0)
            {
                EndDescription();
                return;
            }

            if (line[0] != ' ')
            {
                EndSection();
                Match heading = SectionHeading().Match(line);
                if (heading.Success)
                {
                    _sectionNumber = int.Parse(heading.Groups["num"].Value, CultureInfo.InvariantCulture);
                    _sectionTitle = heading.Groups["title"].Value;
                    _sectionLine = lineNumber;
                    _steps = new List<TraceStep>();
                }

                return;
            }

            if (_steps is null)
            {
                return; // front matter, or unnumbered back matter
            }

            Match m = StepLine().Match(line);
            if (m.Success)
            {
                EndStep();
                var role = m.Groups["role"].Value == "client" ? TraceRole.Client : TraceRole.Server;
                _step = new TraceStep(_sectionNumber, role, "", lineNumber);
                _steps.Add(_step);
                _description.Clear().Append(m.Groups["text"].Value);
                _descriptionOpen = true;
                return;
            }

            if (_step is null)
            {
                return; // prose between the section heading and the first step
            }

            m = ValueLine().Match(line);
            if (m.Success)
            {
                EndDescription();
                EndValue();
                _valueName = m.Groups["name"].Value;
                _valueDeclared = ParseLength(m.Groups["len"].Value, lineNumber);
                _valueLine = lineNumber;
                _valueBytes.Clear();
                _valueEmptyMarker = false;
                string data = m.Groups["data"].Value;
                if (data == "(empty)")
                {
                    _valueEmptyMarker = true;
                }
                else if (data.Length > 0)
                {
                    AppendHex(data, lineNumber);
                }

                return;
            }

            m = HexContinuation().Match(line);
            if (m.Success)
            {
                if (_valueName is null || _valueEmptyMarker)
                {
                    throw Error(lineNumber, "hex continuation line without an open value", line);
                }

                AppendHex(m.Groups["hex"].Value, lineNumber);
                return;
            }

            m = NoteLine().Match(line);
            if (m.Success)
            {
                EndDescription();
                EndValue();
                _step.AddNote(line.Trim());
                return;
            }

            if (_descriptionOpen && DescriptionContinuation().IsMatch(line))
            {
                _description.Append(' ').Append(line.Trim());
                return;
            }

            throw Error(lineNumber, "unexpected line in a trace section", line);
        }

        public List<TraceSection> Finish()
        {
            EndSection();
            return _sections;
        }

        private void AppendHex(string hex, int lineNumber)
        {
            if (!HexBytes().IsMatch(hex))
            {
                throw Error(lineNumber, "malformed hex", hex);
            }

            foreach (string token in hex.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                _valueBytes.Add(byte.Parse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
        }

        private static int ParseLength(string digits, int lineNumber)
        {
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                throw Error(lineNumber, "octet count out of range", digits);
            }

            return n;
        }

        private void EndDescription()
        {
            if (_step is not null && _descriptionOpen)
            {
                string d = _description.ToString().TrimEnd();
                _step.Description = d.EndsWith(':') ? d[..^1].TrimEnd() : d;
            }

            _descriptionOpen = false;
        }

        private void EndValue()
        {
            if (_valueName is null)
            {
                return;
            }

            if (_step is null)
            {
                throw Error(_valueLine, "value outside a step", _valueName);
            }

            if (_valueBytes.Count != _valueDeclared)
            {
                throw Error(_valueLine,
                    $"'{_valueName}' declares {_valueDeclared} octets but {_valueBytes.Count} were found" +
                    (_valueEmptyMarker ? " ('(empty)')" : ""),
                    _valueName);
            }

            _step.AddValue(new TraceValue(_step, _valueName, _valueDeclared, _valueBytes.ToArray(), _valueLine));
            _valueName = null;
            _valueEmptyMarker = false;
            _valueBytes.Clear();
        }

        private void EndStep()
        {
            EndDescription();
            EndValue();
            _step = null;
        }

        private void EndSection()
        {
            EndStep();
            if (_steps is { Count: > 0 })
            {
                if (!_seenNumbers.Add(_sectionNumber))
                {
                    throw Error(_sectionLine, "duplicate section number", _sectionNumber.ToString(CultureInfo.InvariantCulture));
                }

                _sections.Add(new TraceSection(_sectionNumber, _sectionTitle!, _sectionLine, _steps));
            }

            _steps = null;
            _sectionTitle = null;
        }

        private static FormatException Error(int lineNumber, string message, string text) =>
            new($"RFC 8448 trace, line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {message}: \"{text.Trim()}\"");
    }

    private static string SourceDirectory([CallerFilePath] string sourceFile = "")
    {
        try
        {
            return Path.GetDirectoryName(sourceFile) ?? "";
        }
        catch (ArgumentException)
        {
            return "";
        }
    }

    // "Thomson                       Informational                     [Page 5]"
    [GeneratedRegex(@"^\S.*\S\s+\[Page \d+\]$")]
    private static partial Regex PageFooter();

    // "RFC 8448                 TLS 1.3 Traces             January 2019"
    [GeneratedRegex(@"^RFC \d+ {2,}\S.*\S {2,}[A-Z][a-z]+ \d{4}$")]
    private static partial Regex PageHeader();

    // "3.  Simple 1-RTT Handshake"
    [GeneratedRegex(@"^(?<num>\d+)\. +(?<title>\S.*)$")]
    private static partial Regex SectionHeading();

    // "   {client}  construct a ClientHello handshake message:"
    [GeneratedRegex(@"^ {3}\{(?<role>client|server)\} +(?<text>\S.*)$")]
    private static partial Regex StepLine();

    // "      PRK (32 octets):  33 ad ..." / "      hash (0 octets):  (empty)" / "      payload (1 octets):  01"
    [GeneratedRegex(@"^ {6}(?<name>[A-Za-z][A-Za-z0-9 _-]*?) \((?<len>\d+) octets?\):(?: +(?<data>\(empty\)|[0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*))?$")]
    private static partial Regex ValueLine();

    // "         10 ad f3 7c ..."
    [GeneratedRegex(@"^ {9}(?<hex>[0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*)$")]
    private static partial Regex HexContinuation();

    [GeneratedRegex(@"^[0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*$")]
    private static partial Regex HexBytes();

    // "      salt:  0 (all zero octets)"
    [GeneratedRegex(@"^ {6}[A-Za-z][A-Za-z0-9 _-]*:  \S.*$")]
    private static partial Regex NoteLine();

    // "      secret)" — wrapped tail of a step line (never something that looks like a value label)
    [GeneratedRegex(@"^ {6}(?!.*\(\d+ octets?\):)\S")]
    private static partial Regex DescriptionContinuation();
}
