namespace TlsEngine.Hsm;

/// <summary>The "type" path attribute (RFC 7512 §2.3, Table 2) and the PKCS#11 object class it stands for.</summary>
public enum Pkcs11ObjectType
{
    /// <summary>"public": CKO_PUBLIC_KEY.</summary>
    Public,

    /// <summary>"private": CKO_PRIVATE_KEY.</summary>
    Private,

    /// <summary>"cert": CKO_CERTIFICATE.</summary>
    Certificate,

    /// <summary>"secret-key": CKO_SECRET_KEY.</summary>
    SecretKey,

    /// <summary>"data": CKO_DATA.</summary>
    Data,
}

internal static class Pkcs11ObjectTypes
{
    public static string Name(Pkcs11ObjectType t) => t switch
    {
        Pkcs11ObjectType.Public => "public",
        Pkcs11ObjectType.Private => "private",
        Pkcs11ObjectType.Certificate => "cert",
        Pkcs11ObjectType.SecretKey => "secret-key",
        Pkcs11ObjectType.Data => "data",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static bool TryParse(string value, out Pkcs11ObjectType type)
    {
        foreach (var t in Enum.GetValues<Pkcs11ObjectType>())
        {
            if (string.Equals(Name(t), value, StringComparison.OrdinalIgnoreCase))
            {
                type = t;
                return true;
            }
        }
        type = default;
        return false;
    }
}
