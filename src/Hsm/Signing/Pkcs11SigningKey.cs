using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using TlsEngine.Crypto;

namespace TlsEngine.Hsm;

/// <summary>
/// A private key that stays on a PKCS#11 token and signs TLS 1.3 CertificateVerify messages: ECDSA P-256/P-384 with
/// CKM_ECDSA over the digest, RSA with CKM_RSA_PKCS_PSS (salt = hash length, MGF1 with the same hash), Ed25519 with
/// CKM_EDDSA. Thread-safe: each signature uses its own session from the token's pool.
/// </summary>
/// <remarks>
/// A signature that fails with an error a new session may cure (session closed, token logged out, device removed,
/// object handle gone) is retried once on a freshly opened session, logging in again if needed; if that fails too the
/// <see cref="SigningException"/> names the PKCS#11 return value. The PIN is read again from its source for a new
/// login and never kept in this object or shown in any message.
/// </remarks>
public sealed class Pkcs11SigningKey : ISigningKey
{
    private readonly Pkcs11SessionPool _pool;
    private readonly string? _searchLabel;
    private readonly byte[]? _searchId;
    private readonly string _handleKey;
    private readonly Pkcs11SignatureMethod[] _methods;

    private Pkcs11SigningKey(Pkcs11Uri uri, Pkcs11SessionPool pool, string? label, byte[] id, Pkcs11KeyAlgorithm algorithm)
    {
        Uri = uri;
        _pool = pool;
        _searchLabel = uri.Object;
        _searchId = uri.Id;
        _handleKey = "private|" + uri.Object + "|" + (uri.Id is null ? "-" : Convert.ToHexString(uri.Id));
        Label = label;
        Id = id;
        Algorithm = algorithm;
        Schemes = algorithm.Schemes;
        _methods = [.. Schemes.Select(s => new Pkcs11SignatureMethod(s, algorithm))];
    }

    /// <summary>The URI the key was opened with (its ToString hides a pin-value).</summary>
    public Pkcs11Uri Uri { get; }

    /// <summary>The token's label.</summary>
    public string TokenLabel => _pool.TokenLabel;

    /// <summary>The key's CKA_LABEL, if it has one.</summary>
    public string? Label { get; }

    /// <summary>The key's CKA_ID (possibly empty).</summary>
    public byte[] Id { get; }

    /// <summary>Key type and size or curve.</summary>
    public Pkcs11KeyAlgorithm Algorithm { get; }

    /// <inheritdoc/>
    public IReadOnlyList<SignatureScheme> Schemes { get; }

    /// <summary>Sessions and logins of the token's pool, for tests and diagnostics.</summary>
    internal Pkcs11SessionPool Pool => _pool;

    /// <summary>Opens the private key a PKCS#11 URI names (RFC 7512), logging in to its token if needed.</summary>
    /// <exception cref="FormatException">The URI is invalid.</exception>
    /// <exception cref="HsmException">Module, token or key not found, ambiguous, unusable, or login refused (e.g. CKR_PIN_INCORRECT).</exception>
    public static Pkcs11SigningKey Open(string uri) => Open(Pkcs11Uri.Parse(uri));

    /// <inheritdoc cref="Open(string)"/>
    public static Pkcs11SigningKey Open(Pkcs11Uri uri)
    {
        if (uri.Type is { } type && type != Pkcs11ObjectType.Private)
            throw new HsmException($"{uri} names a '{Pkcs11ObjectTypes.Name(type)}' object; a signing key needs type=private");
        var module = Pkcs11Module.ForUri(uri);
        ISlot slot;
        Pkcs11SessionPool pool;
        try
        {
            slot = Pkcs11TokenSelector.SelectToken(module, uri);
            pool = module.PoolFor(slot);
        }
        catch (Pkcs11Exception e)
        {
            throw new HsmException($"opening {uri}: {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}", e);
        }
        try
        {
            return pool.Run(uri.Pin, session => Describe(session.Session, slot, pool, uri));
        }
        catch (Pkcs11CallException e)
        {
            throw new HsmException($"opening {uri} on token '{pool.TokenLabel}': {e.Describe(uri.Pin)}", e);
        }
    }

    private static Pkcs11SigningKey Describe(ISession session, ISlot slot, Pkcs11SessionPool pool, Pkcs11Uri uri)
    {
        var found = pool.FindPrivateKeys(session, uri.Object, uri.Id);
        if (found.Count == 0)
            throw new HsmException($"no private key on token '{pool.TokenLabel}' matches {uri}");
        if (found.Count > 1)
            throw new HsmException($"{found.Count} private keys on token '{pool.TokenLabel}' match {uri}: add object= or id= to choose one");
        var a = Pkcs11Objects.Read(session, found[0], CKA.CKA_KEY_TYPE, CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_SIGN);
        var label = Pkcs11Objects.Text(a[CKA.CKA_LABEL]);
        var id = Pkcs11Objects.Bytes(a[CKA.CKA_ID]) ?? [];
        var name = $"private key '{label}' (id {Convert.ToHexString(id)}) on token '{pool.TokenLabel}'";
        if (Pkcs11Objects.Bool(a[CKA.CKA_SIGN]) == false)
            throw new HsmException($"{name} has CKA_SIGN = false");
        var keyType = (CKK)(Pkcs11Objects.ULong(a[CKA.CKA_KEY_TYPE]) ?? throw new HsmException($"{name}: CKA_KEY_TYPE cannot be read"));
        var specific = keyType == CKK.CKK_RSA
            ? Pkcs11Objects.Read(session, found[0], CKA.CKA_MODULUS)
            : Pkcs11Objects.Read(session, found[0], CKA.CKA_EC_PARAMS);
        var modulus = specific.TryGetValue(CKA.CKA_MODULUS, out var m) ? Pkcs11Objects.Bytes(m) : null;
        if (keyType == CKK.CKK_RSA && modulus is null)
            modulus = PublicModulus(session, label, id); // CKA_MODULUS is optional on some modules' private keys
        var ecParams = specific.TryGetValue(CKA.CKA_EC_PARAMS, out var p) ? Pkcs11Objects.Bytes(p) : null;
        var algorithm = Pkcs11KeyAlgorithm.From(keyType, ecParams, modulus, name);
        if (!slot.GetMechanismList().Contains(algorithm.Mechanism))
            throw new HsmException($"token '{pool.TokenLabel}' does not offer {MechanismName(algorithm.Mechanism)}, which {name} ({algorithm}) needs");
        // CKA_ALLOWED_MECHANISMS (PKCS#11 v2.40 §4.7), when the key has it, must admit the mechanism we sign with.
        var allowed = Pkcs11Objects.Read(session, found[0], CKA.CKA_ALLOWED_MECHANISMS)[CKA.CKA_ALLOWED_MECHANISMS]?.GetValueAsCkmList();
        if (allowed is { Count: > 0 } && !allowed.Contains(algorithm.Mechanism))
            throw new HsmException($"{name} allows only {string.Join(", ", allowed.Select(MechanismName))} (CKA_ALLOWED_MECHANISMS), not {MechanismName(algorithm.Mechanism)}");
        return new Pkcs11SigningKey(uri, pool, label, id, algorithm);
    }

    /// <inheritdoc/>
    /// <exception cref="SigningException">The scheme is not one of <see cref="Schemes"/>, or the token failed (the message names the CKR value).</exception>
    public byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> content)
    {
        Pkcs11SignatureMethod? method = null;
        foreach (var m in _methods)
        {
            if (m.Scheme == scheme) method = m;
        }
        if (method is null)
            throw new SigningException($"{this} cannot sign {SignatureSchemes.Name(scheme)}");
        var input = method.Input(content);
        return method.Finish(SignWithOneRetry(method, input));
    }

    /// <summary>Signs on a pooled session; the pool retries once on a fresh session after a recoverable error.</summary>
    private byte[] SignWithOneRetry(Pkcs11SignatureMethod method, byte[] input)
    {
        try
        {
            return _pool.Run(Uri.Pin, session => SignOn(session, method, input));
        }
        catch (Pkcs11CallException e)
        {
            throw new SigningException($"{this}: {e.Describe(Uri.Pin)}", e.Error);
        }
        catch (HsmException e)
        {
            throw new SigningException($"{this}: {e.Message}", e);
        }
    }

    /// <summary>C_SignInit + C_Sign on one session, finding the key's handle in that session the first time.</summary>
    private byte[] SignOn(PooledSession session, Pkcs11SignatureMethod method, byte[] input)
    {
        if (!session.Handles.TryGetValue(_handleKey, out var handle))
        {
            var found = _pool.FindPrivateKeys(session.Session, _searchLabel, _searchId);
            if (found.Count != 1)
                throw new HsmException(found.Count == 0 ? "the private key is no longer on the token" : $"{found.Count} private keys now match the URI");
            handle = found[0];
            session.Handles[_handleKey] = handle;
        }
        using var mechanism = method.Create(session.Session.Factories);
        return session.Session.Sign(mechanism, handle, input);
    }

    /// <summary>
    /// The public key as a DER SubjectPublicKeyInfo, read from the token's public key object with the same CKA_ID (or
    /// label), for issuing a certificate or matching one.
    /// </summary>
    /// <exception cref="HsmException">There is no such public key object (and, for RSA, the private key does not show its modulus).</exception>
    public byte[] ExportSubjectPublicKeyInfo() => WithSession(session =>
    {
        var pub = FindCompanion(session, CKO.CKO_PUBLIC_KEY);
        switch (Algorithm.Kind)
        {
            case Pkcs11KeyKind.Rsa:
                var source = pub.Count == 1 ? pub[0] : OnlyPrivateKey(session);
                var r = Pkcs11Objects.Read(session, source, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
                return SubjectPublicKeyInfo.Rsa(
                    Pkcs11Objects.Bytes(r[CKA.CKA_MODULUS]) ?? throw new HsmException($"{this}: no CKA_MODULUS"),
                    Pkcs11Objects.Bytes(r[CKA.CKA_PUBLIC_EXPONENT]) ?? throw new HsmException($"{this}: no CKA_PUBLIC_EXPONENT on the token"));
            default:
                if (pub.Count != 1)
                    throw new HsmException($"{this}: {pub.Count} public key objects share its CKA_ID/label; exactly one is needed to read the public key");
                var point = Pkcs11Objects.Bytes(Pkcs11Objects.Read(session, pub[0], CKA.CKA_EC_POINT)[CKA.CKA_EC_POINT])
                    ?? throw new HsmException($"{this}: the public key has no CKA_EC_POINT");
                return Algorithm.Kind == Pkcs11KeyKind.Ed25519
                    ? SubjectPublicKeyInfo.Ed25519(Pkcs11Objects.UnwrapEcPoint(point, 32))
                    : SubjectPublicKeyInfo.Ec(Algorithm.Curve, Pkcs11Objects.UnwrapEcPoint(point, 1 + 2 * Algorithm.EcScalarLength));
        }
    });

    /// <summary>
    /// The DER certificate stored on the token for this key: a CKO_CERTIFICATE with the key's CKA_ID (or, when the key
    /// has no id, its label); when several match, the one whose public key is this key's.
    /// </summary>
    /// <exception cref="HsmException">No matching certificate on the token.</exception>
    public byte[] ReadCertificate()
    {
        var certificates = WithSession(session => FindCompanion(session, CKO.CKO_CERTIFICATE)
            .Select(h => Pkcs11Objects.Bytes(Pkcs11Objects.Read(session, h, CKA.CKA_VALUE)[CKA.CKA_VALUE]))
            .OfType<byte[]>().ToList());
        if (certificates.Count == 0)
            throw new HsmException($"no certificate with the CKA_ID/label of {this} on the token; give the certificate as a PEM file");
        if (certificates.Count == 1) return certificates[0];
        var spki = ExportSubjectPublicKeyInfo();
        foreach (var der in certificates)
        {
            using var cert = X509CertificateLoader.LoadCertificate(der);
            if (cert.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki)) return der;
        }
        throw new HsmException($"none of the {certificates.Count} certificates with the CKA_ID/label of {this} holds its public key");
    }

    /// <summary>This key's private key object in <paramref name="session"/> (an RSA key without a public key object shows its modulus there).</summary>
    private IObjectHandle OnlyPrivateKey(ISession session)
    {
        var found = _pool.FindPrivateKeys(session, _searchLabel, _searchId);
        return found.Count == 1 ? found[0]
            : throw new HsmException(found.Count == 0 ? $"{this}: the private key is no longer on the token" : $"{this}: {found.Count} private keys now match the URI");
    }

    /// <summary>Objects of another class that belong to this key: same CKA_ID if the key has one, else same label.</summary>
    private List<IObjectHandle> FindCompanion(ISession session, CKO objectClass) =>
        Id.Length > 0
            ? Pkcs11Objects.Find(session, objectClass, null, Id)
            : Pkcs11Objects.Find(session, objectClass, Label ?? throw new HsmException($"{this} has neither CKA_ID nor CKA_LABEL to find its companions by"), null);

    private T WithSession<T>(Func<ISession, T> action)
    {
        try
        {
            return _pool.Run(Uri.Pin, session => action(session.Session));
        }
        catch (Pkcs11CallException e)
        {
            throw new HsmException($"{this}: {e.Describe(Uri.Pin)}", e);
        }
    }

    private static byte[]? PublicModulus(ISession session, string? label, byte[] id)
    {
        var pub = id.Length > 0 ? Pkcs11Objects.Find(session, CKO.CKO_PUBLIC_KEY, null, id) : Pkcs11Objects.Find(session, CKO.CKO_PUBLIC_KEY, label, null);
        return pub.Count == 1 ? Pkcs11Objects.Bytes(Pkcs11Objects.Read(session, pub[0], CKA.CKA_MODULUS)[CKA.CKA_MODULUS]) : null;
    }

    private static string MechanismName(CKM m) =>
        m == Pkcs11Constants.CKM_EDDSA ? "CKM_EDDSA" : Enum.IsDefined(m) ? m.ToString() : $"mechanism 0x{(ulong)m:X}";

    /// <summary>"PKCS#11 EC P-256 key 'label' (id 01) on token 'test'": no PIN, no URI query.</summary>
    public override string ToString() =>
        $"PKCS#11 {Algorithm} key '{Label}' (id {Convert.ToHexString(Id)}) on token '{TokenLabel}'";
}
