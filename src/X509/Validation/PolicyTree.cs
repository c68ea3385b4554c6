namespace TlsEngine.X509;

/// <summary>
/// Certificate policy processing of RFC 5280 §6.1.2 (a), (d)–(f), §6.1.3 (d)–(f), §6.1.4 (a), (b), (h)–(j) and
/// §6.1.5 (a), (b), (g) with the valid_policy_tree. The tree is bounded by <see cref="ValidationBudget.MaxPolicyTreeNodes"/>
/// (policy mappings can make it grow exponentially).
/// </summary>
internal sealed class PolicyTree
{
    private readonly List<List<Node>> _levels = [];
    private readonly int _maxNodes;
    private int _nodeCount;

    private PolicyTree(int maxNodes)
    {
        _maxNodes = maxNodes;
        _levels.Add([new Node(PolicyExtensions.AnyPolicy, [PolicyExtensions.AnyPolicy], null)]);
        _nodeCount = 1;
    }

    private bool IsNull => _levels[0].Count == 0;

    /// <summary>
    /// True when the outcome cannot fail: explicit_policy can only reach 0 through initial-explicit-policy or a
    /// requireExplicitPolicy, and §6.1.4 (a) rejects anyPolicy in policyMappings.
    /// </summary>
    private static bool CanSkip(List<Certificate> path, ValidationOptions options)
    {
        if (options.InitialExplicitPolicy)
            return false;
        foreach (Certificate c in path)
        {
            PolicyExtensions p = c.PolicyExtensions;
            if (p.RequireExplicitPolicy is not null)
                return false;
            if (p.Mappings is { } mappings)
            {
                foreach (PolicyMapping m in mappings)
                {
                    if (m.IssuerDomainPolicy == PolicyExtensions.AnyPolicy || m.SubjectDomainPolicy == PolicyExtensions.AnyPolicy)
                        return false;
                }
            }
        }
        return true;
    }

    /// <summary>Runs policy processing over <paramref name="path"/> (leaf first, anchor excluded).</summary>
    public static CertificateError? Process(List<Certificate> path, ValidationOptions options)
    {
        if (CanSkip(path, options))
            return null;
        var tree = new PolicyTree(options.Budget.MaxPolicyTreeNodes);
        return tree.Run(path, options);
    }

    private CertificateError? Run(List<Certificate> path, ValidationOptions options)
    {
        int n = path.Count;
        // §6.1.2 (d)–(f)
        int explicitPolicy = options.InitialExplicitPolicy ? 0 : n + 1;
        int inhibitAnyPolicy = options.InitialAnyPolicyInhibit ? 0 : n + 1;
        int policyMapping = options.InitialPolicyMappingInhibit ? 0 : n + 1;
        for (int i = 1; i <= n; i++)
        {
            int depth = n - i;
            Certificate cert = path[depth];
            PolicyExtensions p = cert.PolicyExtensions;
            var level = new List<Node>();
            _levels.Add(level);
            if (p.Policies is { } policies && !IsNull)
            {
                if (!AddPolicies(i, n, cert, policies, inhibitAnyPolicy))
                    return TooLarge(cert, depth);
                Prune(i);
            }
            else
            {
                // §6.1.3 (e): no certificatePolicies: the tree becomes NULL.
                _levels[0].Clear();
            }
            // §6.1.3 (f)
            if (explicitPolicy <= 0 && IsNull)
                return Fail(cert, depth, "no valid policy remains and an explicit policy is required (RFC 5280 §6.1.3 (f))");
            if (i == n)
                break;

            // §6.1.4 (a), (b): policy mappings.
            if (p.Mappings is { } mappings)
            {
                foreach (PolicyMapping m in mappings)
                {
                    if (m.IssuerDomainPolicy == PolicyExtensions.AnyPolicy || m.SubjectDomainPolicy == PolicyExtensions.AnyPolicy)
                        return Fail(cert, depth, "policyMappings maps to or from anyPolicy (RFC 5280 §6.1.4 (a))");
                }
                if (!IsNull && !ApplyMappings(i, mappings, policyMapping > 0))
                    return TooLarge(cert, depth);
            }
            // §6.1.4 (h)–(j)
            if (!cert.IsSelfIssued)
            {
                if (explicitPolicy > 0)
                    explicitPolicy--;
                if (policyMapping > 0)
                    policyMapping--;
                if (inhibitAnyPolicy > 0)
                    inhibitAnyPolicy--;
            }
            if (p.RequireExplicitPolicy is int r && r < explicitPolicy)
                explicitPolicy = r;
            if (p.InhibitPolicyMapping is int m2 && m2 < policyMapping)
                policyMapping = m2;
            if (p.InhibitAnyPolicy is int s && s < inhibitAnyPolicy)
                inhibitAnyPolicy = s;
        }

        // §6.1.5 (a), (b)
        Certificate leaf = path[0];
        if (explicitPolicy != 0)
            explicitPolicy--;
        if (leaf.PolicyExtensions.RequireExplicitPolicy == 0)
            explicitPolicy = 0;
        // §6.1.5 (g)
        if (!IsNull && options.InitialPolicySet is { } userSet && !userSet.Contains(PolicyExtensions.AnyPolicy))
            Intersect(n, userSet);
        return explicitPolicy > 0 || !IsNull
            ? null
            : Fail(leaf, 0, "no valid policy is acceptable to the user-initial-policy-set and an explicit policy is required (RFC 5280 §6.1.5 (g))");
    }

    // §6.1.3 (d) (1) and (2).
    private bool AddPolicies(int i, int n, Certificate cert, IReadOnlyList<string> policies, int inhibitAnyPolicy)
    {
        List<Node> previous = _levels[i - 1];
        List<Node> level = _levels[i];
        bool hasAnyPolicy = false;
        foreach (string policy in policies)
        {
            if (policy == PolicyExtensions.AnyPolicy)
            {
                hasAnyPolicy = true;
                continue;
            }
            bool matched = false;
            foreach (Node parent in previous)
            {
                if (parent.Expected.Contains(policy))
                {
                    matched = true;
                    if (!AddChild(parent, policy, [policy], level))
                        return false;
                }
            }
            if (!matched)
            {
                foreach (Node parent in previous)
                {
                    if (parent.Policy == PolicyExtensions.AnyPolicy && !AddChild(parent, policy, [policy], level))
                        return false;
                }
            }
        }
        if (hasAnyPolicy && (inhibitAnyPolicy > 0 || (i < n && cert.IsSelfIssued)))
        {
            foreach (Node parent in previous)
            {
                foreach (string expected in parent.Expected)
                {
                    if (!parent.HasChild(expected) && !AddChild(parent, expected, [expected], level))
                        return false;
                }
            }
        }
        return true;
    }

    // §6.1.4 (b) (1) when mapping is allowed, (2) when it is inhibited.
    private bool ApplyMappings(int i, IReadOnlyList<PolicyMapping> mappings, bool mappingAllowed)
    {
        List<Node> level = _levels[i];
        var byIssuerPolicy = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (PolicyMapping m in mappings)
        {
            if (!byIssuerPolicy.TryGetValue(m.IssuerDomainPolicy, out HashSet<string>? set))
                byIssuerPolicy[m.IssuerDomainPolicy] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(m.SubjectDomainPolicy);
        }
        foreach ((string issuerPolicy, HashSet<string> subjectPolicies) in byIssuerPolicy)
        {
            if (mappingAllowed)
            {
                bool found = false;
                foreach (Node node in level)
                {
                    if (node.Policy == issuerPolicy)
                    {
                        node.Expected = new HashSet<string>(subjectPolicies, StringComparer.Ordinal);
                        found = true;
                    }
                }
                if (!found)
                {
                    foreach (Node parent in _levels[i - 1])
                    {
                        if (parent.Policy == PolicyExtensions.AnyPolicy && level.Exists(x => x.Policy == PolicyExtensions.AnyPolicy)
                            && !AddChild(parent, issuerPolicy, new HashSet<string>(subjectPolicies, StringComparer.Ordinal), level))
                            return false;
                    }
                }
            }
            else
            {
                foreach (Node node in level)
                {
                    if (node.Policy == issuerPolicy)
                        node.Deleted = true;
                }
                level.RemoveAll(x => x.Deleted);
                Prune(i);
            }
        }
        return true;
    }

    // §6.1.5 (g) (iii)
    private void Intersect(int n, IReadOnlyCollection<string> userSet)
    {
        var validNodeSet = new List<Node>();
        for (int d = 1; d < _levels.Count; d++)
        {
            foreach (Node node in _levels[d])
            {
                if (node.Parent is { } parent && parent.Policy == PolicyExtensions.AnyPolicy)
                    validNodeSet.Add(node);
            }
        }
        foreach (Node node in validNodeSet)
        {
            if (node.Policy != PolicyExtensions.AnyPolicy && !userSet.Contains(node.Policy))
                DeleteSubtree(node);
        }
        List<Node> leaves = _levels[n];
        Node? anyLeaf = leaves.Find(x => x.Policy == PolicyExtensions.AnyPolicy && !x.Deleted);
        if (anyLeaf?.Parent is { } anyParent)
        {
            foreach (string policy in userSet)
            {
                if (!validNodeSet.Exists(x => x.Policy == policy && !x.Deleted))
                    AddChild(anyParent, policy, [policy], leaves);
            }
            DeleteSubtree(anyLeaf);
        }
        for (int d = 0; d < _levels.Count; d++)
            _levels[d].RemoveAll(x => x.Deleted);
        Prune(n);
    }

    private static void DeleteSubtree(Node node)
    {
        MarkDeleted(node);
        node.Parent?.Children.Remove(node);
    }

    private static void MarkDeleted(Node node)
    {
        node.Deleted = true;
        foreach (Node child in node.Children)
            MarkDeleted(child);
    }

    // §6.1.3 (d) (3): delete nodes above depth i that have no children, repeatedly.
    private void Prune(int i)
    {
        for (int d = i - 1; d >= 0; d--)
        {
            List<Node> level = _levels[d];
            for (int k = level.Count - 1; k >= 0; k--)
            {
                Node node = level[k];
                node.Children.RemoveAll(c => c.Deleted);
                if (node.Children.Count == 0)
                {
                    node.Deleted = true;
                    level.RemoveAt(k);
                }
            }
        }
    }

    private bool AddChild(Node parent, string policy, HashSet<string> expected, List<Node> level)
    {
        if (++_nodeCount > _maxNodes)
            return false;
        var child = new Node(policy, expected, parent);
        parent.Children.Add(child);
        level.Add(child);
        return true;
    }

    private static CertificateError Fail(Certificate cert, int depth, string problem) =>
        CertificateError.For(CertificateErrorCode.Policy, depth, cert, problem);

    private CertificateError TooLarge(Certificate cert, int depth) =>
        Fail(cert, depth, $"the valid_policy_tree grew beyond {_maxNodes} nodes");

    private sealed class Node
    {
        public Node(string policy, HashSet<string> expected, Node? parent)
        {
            Policy = policy;
            Expected = expected;
            Parent = parent;
        }

        public string Policy { get; }
        public HashSet<string> Expected { get; set; }
        public Node? Parent { get; }
        public List<Node> Children { get; } = [];
        public bool Deleted { get; set; }

        public bool HasChild(string policy) => Children.Exists(c => c.Policy == policy);
    }
}
