using TlsEngine.Crypto;

namespace TlsEngine.X509;

/// <summary>
/// Depth-first search for a path from the end-entity certificate to a trust anchor (RFC 5280 §6 with the
/// path-building approach of rustls-webpki): candidates are anchors, then presented intermediates, whose subject
/// matches the child's issuer (those whose SKI equals the child's AKI first). A failed candidate does not end the
/// search; the most specific error is kept. Running out of budget ends it.
/// </summary>
internal sealed class PathBuilder
{
    private const int LinearScanLimit = 16;

    // One builder per thread is kept between validations (it holds no certificate while kept): its path list and
    // budget counters are reused instead of allocated per handshake.
    [ThreadStatic]
    private static PathBuilder? t_spare;

    private readonly BudgetCounter _budget = new(ValidationBudget.Default);
    private readonly List<Certificate> _path = new(4);
    private TrustStore _anchors = null!;
    private Certificate[] _intermediates = [];
    private Dictionary<string, List<Certificate>>? _intermediatesBySubject;
    private ValidationOptions _options = null!;
    private CertificateError? _best;

    private PathBuilder()
    {
    }

    /// <summary>A builder for one validation (the thread's kept one when free); give it back with <see cref="Return"/>.</summary>
    public static PathBuilder Rent(TrustStore anchors, Certificate[] intermediates, ValidationOptions options)
    {
        PathBuilder builder = t_spare ?? new PathBuilder();
        t_spare = null;
        builder._anchors = anchors;
        builder._intermediates = intermediates;
        builder._options = options;
        builder._budget.Reset(options.Budget);
        if (intermediates.Length > LinearScanLimit)
        {
            var bySubject = new Dictionary<string, List<Certificate>>(StringComparer.Ordinal);
            foreach (Certificate c in intermediates)
            {
                if (!bySubject.TryGetValue(c.Subject.NormalizedKey, out List<Certificate>? list))
                    bySubject[c.Subject.NormalizedKey] = list = [];
                list.Add(c);
            }
            builder._intermediatesBySubject = bySubject;
        }
        return builder;
    }

    /// <summary>Forgets this validation's inputs and keeps the builder for the thread's next one.</summary>
    public void Return()
    {
        _path.Clear();
        _anchors = null!;
        _intermediates = [];
        _intermediatesBySubject = null;
        _options = null!;
        _best = null;
        t_spare = this;
    }

    /// <summary>Signature verifications done (certificates and CRLs).</summary>
    public int SignaturesChecked => _budget.SignaturesTaken;

    /// <summary>The error to report when <see cref="Build"/> returns null.</summary>
    public CertificateError Error => _best ?? new CertificateError(CertificateErrorCode.UnknownIssuer, 0, null, "no path was found");

    /// <summary>Returns the path leaf → anchor, or null (see <see cref="Error"/>).</summary>
    public Certificate[]? Build(Certificate leaf)
    {
        _path.Clear();
        _path.Add(leaf);
        Certificate? anchor = Extend();
        if (anchor is null)
        {
            if (_budget.Exhausted)
            {
                _best = new CertificateError(CertificateErrorCode.BudgetExhausted, 0, leaf,
                    $"certificate '{leaf.Subject}': path building gave up after exhausting its budget of {_budget.ExhaustedWhat}");
            }
            return null;
        }
        var chain = new Certificate[_path.Count + 1];
        _path.CopyTo(chain);
        chain[^1] = anchor;
        return chain;
    }

    // Tries to complete the path whose last certificate is the child; returns the anchor on success.
    private Certificate? Extend()
    {
        if (!_budget.TakeBuildCall())
            return null;
        int depth = _path.Count - 1;
        Certificate child = _path[depth];
        ReadOnlyMemory<byte>? aki = child.AuthorityKeyId;
        bool anyCandidate = false;

        // Trust anchors end the path. Two passes: SKI == child's AKI first, then the others.
        Certificate[] anchors = _anchors.SubjectCandidates(child.Issuer);
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (Certificate anchor in anchors)
            {
                if (!InPass(anchor, aki, pass))
                    continue;
                anyCandidate = true;
                if (TryAnchor(child, depth, anchor))
                    return anchor;
                if (_budget.Exhausted)
                    return null;
            }
        }

        // Then presented intermediates, within the depth limit.
        List<Certificate>? indexed = null;
        if (_intermediatesBySubject is not null)
            _intermediatesBySubject.TryGetValue(child.Issuer.NormalizedKey, out indexed);
        ReadOnlySpan<Certificate> candidates = _intermediatesBySubject is null ? _intermediates
            : indexed is null ? [] : System.Runtime.InteropServices.CollectionsMarshal.AsSpan(indexed);
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (Certificate candidate in candidates)
            {
                if (!InPass(candidate, aki, pass) || !candidate.Subject.Matches(child.Issuer) || InPath(candidate))
                    continue;
                anyCandidate = true;
                int counted = CountedIntermediates() + (candidate.IsSelfIssued ? 0 : 1);
                if (counted > _options.MaxDepth)
                {
                    Record(CertificateError.For(CertificateErrorCode.ChainTooLong, depth + 1, candidate,
                        $"would be intermediate number {counted} (self-issued ones not counted), more than the maximum of {_options.MaxDepth}"));
                    continue;
                }
                if (!TryIntermediate(child, depth, candidate))
                {
                    if (_budget.Exhausted)
                        return null;
                    continue;
                }
                _path.Add(candidate);
                Certificate? anchor = Extend();
                if (anchor is not null)
                    return anchor;
                _path.RemoveAt(_path.Count - 1);
                if (_budget.Exhausted)
                    return null;
            }
        }

        if (!anyCandidate)
        {
            Record(CertificateError.For(CertificateErrorCode.UnknownIssuer, depth, child,
                $"issuer '{child.Issuer}' is neither a trust anchor nor a presented intermediate"));
        }
        return null;
    }

    // Intermediates already on the path that count against MaxDepth: like pathLenConstraint (RFC 5280 §6.1.4 (l)),
    // self-issued certificates do not. The budget still bounds how long a path of self-issued certificates can get.
    private int CountedIntermediates()
    {
        int n = 0;
        for (int i = 1; i < _path.Count; i++)
        {
            if (!_path[i].IsSelfIssued)
                n++;
        }
        return n;
    }

    private static bool InPass(Certificate candidate, ReadOnlyMemory<byte>? aki, int pass)
    {
        if (aki is not { } keyId)
            return pass == 0;
        bool skiMatches = candidate.SubjectKeyIdentifier is { } ski && ski.Span.SequenceEqual(keyId.Span);
        return skiMatches == (pass == 0);
    }

    // Loop check: the same subject and public key may not appear twice in one path.
    private bool InPath(Certificate candidate)
    {
        foreach (Certificate c in _path)
        {
            if (ReferenceEquals(c, candidate) ||
                (c.Subject.Matches(candidate.Subject) && c.SubjectPublicKeyInfo.Span.SequenceEqual(candidate.SubjectPublicKeyInfo.Span)))
                return true;
        }
        return false;
    }

    private bool TryAnchor(Certificate child, int depth, Certificate anchor)
    {
        // RFC 5280 §6.1: the anchor is an input; its signature is not checked. Its constraints are, and so is its
        // validity period (a choice stricter than §6.1: an expired root is no longer trusted).
        CertificateError? error = CertificateChecks.Issuer(anchor, depth + 1, isAnchor: true)
            ?? CertificateChecks.UnknownCritical(anchor, depth + 1)
            ?? CertificateChecks.PathLength(anchor, depth + 1, _path)
            ?? CertificateChecks.Validity(anchor, depth + 1, _options.Time)
            ?? (_options.StrictProfile ? CertificateChecks.Profile(anchor, depth + 1, CertificateChecks.Position.Anchor) : null);
        if (error is not null)
        {
            Record(error);
            return false;
        }
        if (!VerifySignature(child, depth, anchor))
            return false;
        // Checks over the whole path: name constraints and certificate policies.
        CertificateError? pathError = NameConstraintChecker.Check(_path, anchor, _budget) ?? PolicyTree.Process(_path, _options)
            ?? (_options.Crls.Count > 0 || _options.RequireRevocationStatus ? RevocationChecker.Check(_path, anchor, _options, _budget) : null);
        if (pathError is not null)
        {
            Record(pathError);
            return false;
        }
        return true;
    }

    private bool TryIntermediate(Certificate child, int depth, Certificate candidate)
    {
        CertificateError? error = CertificateChecks.Intrinsic(candidate, depth + 1, _options.Time)
            ?? CertificateChecks.Issuer(candidate, depth + 1, isAnchor: false)
            ?? CertificateChecks.IssuerPurpose(candidate, depth + 1, _options.Purpose)
            ?? CertificateChecks.PathLength(candidate, depth + 1, _path)
            ?? (_options.StrictProfile ? CertificateChecks.Profile(candidate, depth + 1, CertificateChecks.Position.Intermediate) : null);
        if (error is not null)
        {
            Record(error);
            return false;
        }
        return VerifySignature(child, depth, candidate);
    }

    private bool VerifySignature(Certificate child, int depth, Certificate issuer)
    {
        if (child.SignatureAlgorithm is not { } algorithm)
        {
            Record(CertificateError.For(CertificateErrorCode.UnsupportedAlgorithm, depth, child,
                child.SignatureAlgorithmProblem ?? "unsupported signature algorithm"));
            return false;
        }
        if (!issuer.TryGetPublicKey(out PublicKey? key, out string? keyError))
        {
            Record(CertificateError.For(CertificateErrorCode.UnsupportedAlgorithm, depth + 1, issuer, keyError));
            return false;
        }
        if (!_budget.TakeSignature())
            return false;
        bool ok;
        try
        {
            ok = key.Verify(algorithm, child.TbsCertificate.Span, child.Signature.Span);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ok = false;
        }
        if (!ok)
        {
            Record(CertificateError.For(CertificateErrorCode.BadSignature, depth, child,
                $"{algorithm} signature does not verify with the public key of '{issuer.Subject}'"));
        }
        return ok;
    }

    private void Record(CertificateError error)
    {
        if (_best is null || error.Rank > _best.Rank)
            _best = error;
    }
}
