namespace TlsEngine.X509;

/// <summary>
/// Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)). Checking every constrained name against each
/// constraining CA separately is equivalent to the intersection of permitted subtrees and union of excluded subtrees
/// of §6.1. Malformed constraints or names that cannot be compared fail closed.
/// </summary>
internal static class NameConstraintChecker
{
    internal enum Outcome
    {
        NoMatch,
        Match,
        Invalid,
    }

    /// <summary>Checks the path (leaf first, anchor not included) against the constraints of every CA above each certificate.</summary>
    public static CertificateError? Check(List<Certificate> path, Certificate anchor, BudgetCounter budget)
    {
        for (int k = path.Count; k >= 1; k--)
        {
            Certificate ca = k == path.Count ? anchor : path[k];
            if (ca.NameConstraints is not { } constraints)
                continue;
            for (int i = k - 1; i >= 0; i--)
            {
                // §6.1.3 (b), (c): self-issued certificates other than the last are not subject to name constraints.
                if (i > 0 && path[i].IsSelfIssued)
                    continue;
                CertificateError? error = CheckCertificate(path[i], i, constraints, ca, budget);
                if (error is not null)
                    return error;
            }
        }
        return null;
    }

    private static CertificateError? CheckCertificate(Certificate cert, int depth, NameConstraints constraints, Certificate ca, BudgetCounter budget)
    {
        if (!cert.Subject.IsEmpty)
        {
            CertificateError? e = CheckName(cert, depth, GeneralNameKind.DirectoryName, null, cert.Subject, constraints, ca, budget);
            if (e is not null)
                return e;
        }
        // §4.2.1.10: without subjectAltName, rfc822Name constraints apply to emailAddress attributes of the subject.
        if (!cert.HasSubjectAlternativeName)
        {
            foreach (NameAttribute email in cert.Subject.AttributesOfType(Oids.EmailAddress))
            {
                CertificateError? e = CheckName(cert, depth, GeneralNameKind.Rfc822Name, email.Value ?? string.Empty, null, constraints, ca, budget);
                if (e is not null)
                    return e;
            }
        }
        foreach (GeneralName name in cert.SubjectAlternativeNames)
        {
            CertificateError? e = name.Kind switch
            {
                GeneralNameKind.DirectoryName => CheckName(cert, depth, name.Kind, null, name.DirectoryName, constraints, ca, budget),
                _ => CheckGeneral(cert, depth, name, constraints, ca, budget),
            };
            if (e is not null)
                return e;
        }
        return null;
    }

    private static CertificateError? CheckGeneral(Certificate cert, int depth, GeneralName name, NameConstraints constraints, Certificate ca, BudgetCounter budget)
    {
        bool hasPermitted = false;
        bool permitted = false;
        foreach (GeneralName c in constraints.Excluded)
        {
            if (c.Kind != name.Kind)
                continue;
            Outcome o = Compare(name, c, excluded: true, budget);
            if (o != Outcome.NoMatch || budget.Exhausted)
                return Fail(cert, depth, name.ToString(), c, ca, o, excluded: true, budget);
        }
        foreach (GeneralName c in constraints.Permitted)
        {
            if (c.Kind != name.Kind)
                continue;
            hasPermitted = true;
            Outcome o = Compare(name, c, excluded: false, budget);
            if (o == Outcome.Invalid || budget.Exhausted)
                return Fail(cert, depth, name.ToString(), c, ca, o, excluded: false, budget);
            if (o == Outcome.Match)
            {
                permitted = true;
                break;
            }
        }
        return hasPermitted && !permitted ? NotPermitted(cert, depth, name.ToString(), ca) : null;
    }

    // Directory names and subject emailAddress attributes, which are not GeneralName objects.
    private static CertificateError? CheckName(Certificate cert, int depth, GeneralNameKind kind, string? text, DistinguishedName? dn,
        NameConstraints constraints, Certificate ca, BudgetCounter budget)
    {
        bool hasPermitted = false;
        bool permitted = false;
        foreach (GeneralName c in constraints.Excluded)
        {
            if (c.Kind != kind)
                continue;
            Outcome o = dn is not null ? CompareDirectory(dn, c, budget) : CompareEmail(text!, c.Text!, budget);
            if (o != Outcome.NoMatch || budget.Exhausted)
                return Fail(cert, depth, Shown(dn, text), c, ca, o, excluded: true, budget);
        }
        foreach (GeneralName c in constraints.Permitted)
        {
            if (c.Kind != kind)
                continue;
            hasPermitted = true;
            Outcome o = dn is not null ? CompareDirectory(dn, c, budget) : CompareEmail(text!, c.Text!, budget);
            if (o == Outcome.Invalid || budget.Exhausted)
                return Fail(cert, depth, Shown(dn, text), c, ca, o, excluded: false, budget);
            if (o == Outcome.Match)
            {
                permitted = true;
                break;
            }
        }
        return hasPermitted && !permitted ? NotPermitted(cert, depth, Shown(dn, text), ca) : null;
    }

    private static string Shown(DistinguishedName? dn, string? text) => dn is not null ? "DirName:" + dn : "email:" + text;

    private static Outcome Compare(GeneralName name, GeneralName constraint, bool excluded, BudgetCounter budget)
    {
        if (!budget.TakeNameComparison())
            return Outcome.Invalid;
        return name.Kind switch
        {
            GeneralNameKind.DnsName => CompareDns(name.Text!, constraint.Text!, excluded),
            GeneralNameKind.IpAddress => CompareIp(name.RawValue.Span, constraint.RawValue.Span),
            GeneralNameKind.Rfc822Name => CompareEmailCore(name.Text!, constraint.Text!),
            GeneralNameKind.Uri => CompareUri(name.Text!, constraint.Text!),
            // Forms without defined matching rules (otherName, x400Address, ediPartyName, registeredID): exact equality.
            _ => name.RawValue.Span.SequenceEqual(constraint.RawValue.Span) ? Outcome.Match : Outcome.NoMatch,
        };
    }

    private static Outcome CompareDirectory(DistinguishedName name, GeneralName constraint, BudgetCounter budget)
    {
        if (!budget.TakeNameComparison())
            return Outcome.Invalid;
        // §4.2.1.10: a directoryName constraint matches names whose leading RDNs equal the constraint's RDNs.
        return constraint.DirectoryName!.IsPrefixOf(name) ? Outcome.Match : Outcome.NoMatch;
    }

    /// <summary>
    /// §4.2.1.10 dNSName: the constraint matches the name itself and any name formed by adding labels on the left.
    /// A wildcard name (<c>*.example.com</c>) stands for every one-label extension of its base: it is permitted only if
    /// the whole base lies inside the subtree, and excluded if the subtree and the base overlap in any way.
    /// </summary>
    internal static Outcome CompareDns(string name, string constraint, bool excluded)
    {
        if (constraint.Length == 0)
            return Outcome.Match;
        if (!NameMatching.IsHostName(constraint, allowWildcard: false))
            return Outcome.Invalid;
        if (!NameMatching.IsHostName(name, allowWildcard: true))
            return Outcome.Invalid;
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            string baseName = name[2..];
            if (IsWithin(baseName, constraint))
                return Outcome.Match;
            return excluded && IsWithin(constraint, baseName) ? Outcome.Match : Outcome.NoMatch;
        }
        return IsWithin(name, constraint) ? Outcome.Match : Outcome.NoMatch;
    }

    private static bool IsWithin(string name, string subtree) =>
        name.Equals(subtree, StringComparison.OrdinalIgnoreCase)
        || (name.Length > subtree.Length && name[name.Length - subtree.Length - 1] == '.'
            && name.EndsWith(subtree, StringComparison.OrdinalIgnoreCase));

    /// <summary>§4.2.1.10 iPAddress: the constraint is address ‖ mask (8 or 32 octets) with a contiguous mask.</summary>
    internal static Outcome CompareIp(ReadOnlySpan<byte> address, ReadOnlySpan<byte> constraint)
    {
        int n = constraint.Length / 2;
        ReadOnlySpan<byte> network = constraint[..n];
        ReadOnlySpan<byte> mask = constraint[n..];
        bool seenZero = false;
        foreach (byte b in mask)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                bool one = (b & (1 << bit)) != 0;
                if (one && seenZero)
                    return Outcome.Invalid; // non-contiguous mask
                seenZero |= !one;
            }
        }
        if (address.Length != n)
            return Outcome.NoMatch;
        for (int i = 0; i < n; i++)
        {
            if ((address[i] & mask[i]) != (network[i] & mask[i]))
                return Outcome.NoMatch;
        }
        return Outcome.Match;
    }

    private static Outcome CompareEmail(string name, string constraint, BudgetCounter budget) =>
        budget.TakeNameComparison() ? CompareEmailCore(name, constraint) : Outcome.Invalid;

    /// <summary>
    /// §4.2.1.10 rfc822Name: a constraint with "@" is one mailbox; a host name matches mailboxes at that host; a
    /// constraint starting with "." matches mailboxes at any host below that domain.
    /// </summary>
    internal static Outcome CompareEmailCore(string name, string constraint)
    {
        if (!SplitMailbox(name, out string local, out string host))
            return Outcome.Invalid;
        if (constraint.Contains('@'))
        {
            if (!SplitMailbox(constraint, out string cLocal, out string cHost))
                return Outcome.Invalid;
            return local.Equals(cLocal, StringComparison.Ordinal) && host.Equals(cHost, StringComparison.OrdinalIgnoreCase)
                ? Outcome.Match : Outcome.NoMatch;
        }
        return CompareHost(host, constraint);
    }

    private static bool SplitMailbox(string mailbox, out string local, out string host)
    {
        int at = mailbox.LastIndexOf('@');
        local = at > 0 ? mailbox[..at] : string.Empty;
        host = at >= 0 ? mailbox[(at + 1)..] : string.Empty;
        return at > 0 && mailbox.IndexOf('@') == at && NameMatching.IsHostName(host, allowWildcard: false);
    }

    // A host constraint ("example.com" exactly) or a domain constraint (".example.com": any host below it).
    private static Outcome CompareHost(string host, string constraint)
    {
        if (constraint.StartsWith('.'))
        {
            if (!NameMatching.IsHostName(constraint.AsSpan(1), allowWildcard: false))
                return Outcome.Invalid;
            return host.Length > constraint.Length && host.EndsWith(constraint, StringComparison.OrdinalIgnoreCase) ? Outcome.Match : Outcome.NoMatch;
        }
        if (!NameMatching.IsHostName(constraint, allowWildcard: false))
            return Outcome.Invalid;
        return host.Equals(constraint, StringComparison.OrdinalIgnoreCase) ? Outcome.Match : Outcome.NoMatch;
    }

    /// <summary>§4.2.1.10 uniformResourceIdentifier: the constraint applies to the host part of the URI's authority.</summary>
    internal static Outcome CompareUri(string uri, string constraint)
    {
        int scheme = uri.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
            return Outcome.Invalid; // no authority: the constraint cannot be applied
        string rest = uri[(scheme + 3)..];
        int end = rest.IndexOfAny(['/', '?', '#']);
        string authority = end < 0 ? rest : rest[..end];
        int at = authority.LastIndexOf('@');
        string host = at >= 0 ? authority[(at + 1)..] : authority;
        if (host.StartsWith('['))
            return Outcome.Invalid; // IP literals are not host names
        int colon = host.IndexOf(':');
        if (colon >= 0)
            host = host[..colon];
        if (!NameMatching.IsHostName(host, allowWildcard: false))
            return Outcome.Invalid;
        return CompareHost(host, constraint);
    }

    private static CertificateError Fail(Certificate cert, int depth, string name, GeneralName constraint, Certificate ca, Outcome outcome, bool excluded, BudgetCounter budget)
    {
        if (budget.Exhausted)
            return CertificateError.For(CertificateErrorCode.BudgetExhausted, depth, cert, "name-constraint comparison budget exhausted");
        string problem = outcome == Outcome.Invalid
            ? $"name {name} cannot be checked against the {(excluded ? "excluded" : "permitted")} constraint {constraint} of '{ca.Subject}' (malformed name or constraint)"
            : $"name {name} is excluded by the constraint {constraint} of '{ca.Subject}' (RFC 5280 §4.2.1.10)";
        return CertificateError.For(CertificateErrorCode.NameConstraints, depth, cert, problem);
    }

    private static CertificateError NotPermitted(Certificate cert, int depth, string name, Certificate ca) =>
        CertificateError.For(CertificateErrorCode.NameConstraints, depth, cert,
            $"name {name} is outside the permitted subtrees of '{ca.Subject}' (RFC 5280 §4.2.1.10)");
}
