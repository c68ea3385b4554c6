namespace TlsEngine.X509;

/// <summary>
/// Limits on the work one validation may do, so that hostile chains cannot exhaust the CPU (the limits follow
/// rustls-webpki's). Running out ends the whole search with <see cref="CertificateErrorCode.BudgetExhausted"/>.
/// </summary>
public sealed class ValidationBudget
{
    /// <summary>The default limits.</summary>
    public static ValidationBudget Default { get; } = new();

    /// <summary>Maximum number of signature verifications (default 100).</summary>
    public int MaxSignatureChecks { get; init; } = 100;

    /// <summary>Maximum number of path-building steps (default 200 000).</summary>
    public int MaxBuildCalls { get; init; } = 200_000;

    /// <summary>Maximum number of name-constraint comparisons (default 250 000).</summary>
    public int MaxNameConstraintComparisons { get; init; } = 250_000;

    /// <summary>Maximum number of nodes in the RFC 5280 §6.1 valid_policy_tree (default 10 000).</summary>
    public int MaxPolicyTreeNodes { get; init; } = 10_000;
}

/// <summary>The running counters of one validation.</summary>
internal sealed class BudgetCounter
{
    private int _initialSignatures;
    private int _signatures;
    private int _buildCalls;
    private int _nameComparisons;

    public BudgetCounter(ValidationBudget budget) => Reset(budget);

    /// <summary>Starts the counters again at <paramref name="budget"/> (a path builder reused for the next validation).</summary>
    public void Reset(ValidationBudget budget)
    {
        _signatures = _initialSignatures = budget.MaxSignatureChecks;
        _buildCalls = budget.MaxBuildCalls;
        _nameComparisons = budget.MaxNameConstraintComparisons;
        Exhausted = false;
        ExhaustedWhat = null;
    }

    public bool Exhausted { get; private set; }

    /// <summary>Signature verifications started so far.</summary>
    public int SignaturesTaken => _initialSignatures - _signatures;

    public string? ExhaustedWhat { get; private set; }

    public bool TakeSignature() => Take(ref _signatures, "signature checks");

    public bool TakeBuildCall() => Take(ref _buildCalls, "path-building steps");

    public bool TakeNameComparison() => Take(ref _nameComparisons, "name-constraint comparisons");

    private bool Take(ref int counter, string what)
    {
        if (counter <= 0)
        {
            Exhausted = true;
            ExhaustedWhat ??= what;
            return false;
        }
        counter--;
        return true;
    }
}
