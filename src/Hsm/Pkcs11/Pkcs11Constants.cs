using Net.Pkcs11Interop.Common;

namespace TlsEngine.Hsm;

/// <summary>PKCS#11 3.0 numbers Pkcs11Interop 5.3.0 has no names for, and DER encodings of curve identifiers.</summary>
internal static class Pkcs11Constants
{
    /// <summary>CKK_EC_EDWARDS (PKCS#11 v3.0 §2.3.1 / curr. mechanisms §2.3.5): Ed25519 and Ed448 keys.</summary>
    public const CKK CKK_EC_EDWARDS = (CKK)0x40;

    /// <summary>CKM_EC_EDWARDS_KEY_PAIR_GEN (PKCS#11 v3.0 mechanisms §2.3.7).</summary>
    public const CKM CKM_EC_EDWARDS_KEY_PAIR_GEN = (CKM)0x1055;

    /// <summary>CKM_EDDSA (PKCS#11 v3.0 mechanisms §2.3.14): signs the whole message; no parameters means pure Ed25519.</summary>
    public const CKM CKM_EDDSA = (CKM)0x1057;

    /// <summary>CKA_EC_PARAMS of P-256: the namedCurve OID 1.2.840.10045.3.1.7 (X9.62 ECParameters, RFC 5480 §2.1.1.1).</summary>
    public static ReadOnlySpan<byte> P256Params => [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    /// <summary>CKA_EC_PARAMS of P-384: OID 1.3.132.0.34.</summary>
    public static ReadOnlySpan<byte> P384Params => [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];

    /// <summary>CKA_EC_PARAMS of P-521: OID 1.3.132.0.35 (recognised only to name it in errors).</summary>
    public static ReadOnlySpan<byte> P521Params => [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23];

    /// <summary>CKA_EC_PARAMS of Ed25519: OID 1.3.101.112 (RFC 8410 §3).</summary>
    public static ReadOnlySpan<byte> Ed25519Params => [0x06, 0x03, 0x2B, 0x65, 0x70];

    /// <summary>CKA_EC_PARAMS of Ed25519 as PKCS#11 v3.0 also allows: PrintableString "edwards25519".</summary>
    public static ReadOnlySpan<byte> Ed25519NameParams => [0x13, 0x0C, 0x65, 0x64, 0x77, 0x61, 0x72, 0x64, 0x73, 0x32, 0x35, 0x35, 0x31, 0x39];

    /// <summary>CKA_EC_PARAMS of Ed448: OID 1.3.101.113 (recognised only to name it in errors).</summary>
    public static ReadOnlySpan<byte> Ed448Params => [0x06, 0x03, 0x2B, 0x65, 0x71];
}
