using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace TlsEngine.Hsm;

/// <summary>
/// A token in a module's listing. <c>LoginError</c> says why a login with the given PIN failed (e.g. "C_Login returned
/// CKR_PIN_INCORRECT"); it is null when the login worked or was not attempted.
/// </summary>
public sealed record Pkcs11TokenListing(
    ulong SlotId, string Label, string Serial, string Manufacturer, string Model, bool LoginRequired, bool LoggedIn,
    string? LoginError, IReadOnlyList<Pkcs11ObjectListing> Objects);

/// <summary>A key or certificate object on a token, with a PKCS#11 URI (RFC 7512) that selects it.</summary>
public sealed record Pkcs11ObjectListing(Pkcs11ObjectType Type, string? Label, byte[] Id, string Description, Pkcs11Uri Uri);

/// <summary>
/// Lists a module's tokens and their key and certificate objects (for <c>tlsengine hsm list</c>). Without a PIN only
/// public objects are visible (private keys have CKA_PRIVATE = true, PKCS#11 v2.40 §4.4).
/// </summary>
public static class Pkcs11Inventory
{
    /// <summary>The module's CK_INFO description, e.g. "SoftHSM 2.6 (SoftHSM)".</summary>
    public static string DescribeLibrary(Pkcs11Module module)
    {
        ILibraryInfo info;
        try
        {
            info = module.Library.GetInfo();
        }
        catch (Pkcs11Exception e)
        {
            throw new HsmException($"{module}: {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}", e);
        }
        return $"{Pkcs11TokenSelector.Unpad(info.LibraryDescription)} {info.LibraryVersion} ({Pkcs11TokenSelector.Unpad(info.ManufacturerId)}), Cryptoki {info.CryptokiVersion}";
    }

    /// <summary>Lists every token with a token present, or only the one labelled <paramref name="tokenLabel"/>.</summary>
    /// <remarks>Uninitialised tokens (SoftHSM's spare slot) are left out: they hold no objects.</remarks>
    /// <exception cref="HsmException">The module failed; the message names the CKR value.</exception>
    public static IReadOnlyList<Pkcs11TokenListing> List(Pkcs11Module module, PinSource pin, string? tokenLabel = null)
    {
        var result = new List<Pkcs11TokenListing>();
        foreach (var slot in module.SlotsWithTokens())
        {
            ITokenInfo info;
            try
            {
                info = slot.GetTokenInfo();
            }
            catch (Pkcs11Exception e)
            {
                throw new HsmException($"slot {slot.SlotId}: {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}", e);
            }
            var label = Pkcs11TokenSelector.Unpad(info.Label);
            if (!info.TokenFlags.TokenInitialized || (tokenLabel is not null && label != tokenLabel)) continue;
            result.Add(ListToken(module, slot, info, label, pin));
        }
        return result;
    }

    private static Pkcs11TokenListing ListToken(Pkcs11Module module, ISlot slot, ITokenInfo info, string label, PinSource pin)
    {
        Pkcs11SessionPool pool;
        try
        {
            pool = module.PoolFor(slot);
        }
        catch (Pkcs11Exception e)
        {
            throw new HsmException($"token '{label}': {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}", e);
        }
        // URIs name the module only when it is not the default one.
        string? modulePath = Pkcs11Module.CanonicalPath(module.Path) == Pkcs11Module.CanonicalPath(Pkcs11Module.DefaultModulePath) ? null : module.Path;
        string? loginError = null;
        PooledSession session;
        try
        {
            session = pin.IsNone ? pool.OpenPublic() : pool.OpenFresh(pin);
        }
        catch (Exception e) when (e is Pkcs11Exception or HsmException)
        {
            loginError = e is Pkcs11Exception p ? $"{p.Method} returned {Pkcs11ReturnValues.Name(p.RV)}" : e.Message;
            try
            {
                session = pool.OpenPublic();
            }
            catch (Pkcs11Exception open)
            {
                throw new HsmException($"token '{label}': {open.Method} returned {Pkcs11ReturnValues.Name(open.RV)}", open);
            }
        }
        try
        {
            bool loggedIn = session.Session.GetSessionInfo().State is CKS.CKS_RO_USER_FUNCTIONS or CKS.CKS_RW_USER_FUNCTIONS;
            var objects = new List<Pkcs11ObjectListing>();
            foreach (var (cls, type) in new[] { (CKO.CKO_PRIVATE_KEY, Pkcs11ObjectType.Private), (CKO.CKO_PUBLIC_KEY, Pkcs11ObjectType.Public), (CKO.CKO_CERTIFICATE, Pkcs11ObjectType.Certificate) })
            {
                foreach (var handle in Pkcs11Objects.Find(session.Session, cls, null, null))
                    objects.Add(Describe(session.Session, handle, type, label, modulePath));
            }
            pool.Return(session);
            return new Pkcs11TokenListing(slot.SlotId, label, Pkcs11TokenSelector.Unpad(info.SerialNumber), Pkcs11TokenSelector.Unpad(info.ManufacturerId),
                Pkcs11TokenSelector.Unpad(info.Model), info.TokenFlags.LoginRequired, loggedIn, loginError, objects);
        }
        catch (Pkcs11Exception e)
        {
            pool.Discard(session, e.RV);
            throw new HsmException($"listing token '{label}': {e.Method} returned {Pkcs11ReturnValues.Name(e.RV)}", e);
        }
    }

    private static Pkcs11ObjectListing Describe(ISession session, IObjectHandle handle, Pkcs11ObjectType type, string token, string? modulePath)
    {
        var a = Pkcs11Objects.Read(session, handle, CKA.CKA_LABEL, CKA.CKA_ID);
        var label = Pkcs11Objects.Text(a[CKA.CKA_LABEL]);
        var id = Pkcs11Objects.Bytes(a[CKA.CKA_ID]) ?? [];
        var uri = new Pkcs11Uri { Token = token, Object = label, Id = id.Length > 0 ? id : null, Type = type, ModulePath = modulePath };
        var description = type == Pkcs11ObjectType.Certificate ? DescribeCertificate(session, handle) : DescribeKey(session, handle);
        return new Pkcs11ObjectListing(type, label, id, description, uri);
    }

    /// <summary>"EC P-256", "RSA 2048", "Ed25519", or what makes the key unusable here.</summary>
    private static string DescribeKey(ISession session, IObjectHandle handle)
    {
        var a = Pkcs11Objects.Read(session, handle, CKA.CKA_KEY_TYPE, CKA.CKA_EC_PARAMS, CKA.CKA_MODULUS);
        if (Pkcs11Objects.ULong(a[CKA.CKA_KEY_TYPE]) is not { } keyType) return "unknown key type";
        try
        {
            return Pkcs11KeyAlgorithm.From((CKK)keyType, Pkcs11Objects.Bytes(a[CKA.CKA_EC_PARAMS]), Pkcs11Objects.Bytes(a[CKA.CKA_MODULUS]), "key").ToString();
        }
        catch (HsmException e)
        {
            return "unsupported: " + e.Message["key: ".Length..];
        }
    }

    private static string DescribeCertificate(ISession session, IObjectHandle handle)
    {
        var der = Pkcs11Objects.Bytes(Pkcs11Objects.Read(session, handle, CKA.CKA_VALUE)[CKA.CKA_VALUE]);
        if (der is null) return "certificate (no CKA_VALUE)";
        try
        {
            using var cert = X509CertificateLoader.LoadCertificate(der);
            return $"certificate {cert.Subject}, expires {cert.NotAfter.ToUniversalTime():yyyy-MM-dd}";
        }
        catch (CryptographicException)
        {
            return $"certificate ({der.Length} bytes, not parseable)";
        }
    }
}
