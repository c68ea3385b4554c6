using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace TlsEngine.Hsm.Tests.Support;

/// <summary>C_GenerateKeyPair templates for token keys (PKCS#11 v2.40 §4.8–4.9), private halves sensitive and non-extractable.</summary>
public static class KeyGeneration
{
    public static void Ec(ISession session, string label, byte[] id, byte[] ecParams, List<CKM>? allowedMechanisms = null) =>
        Generate(session, CKM.CKM_EC_KEY_PAIR_GEN, label, id, [A(session, CKA.CKA_EC_PARAMS, ecParams)],
            allowedMechanisms is null ? [] : [session.Factories.ObjectAttributeFactory.Create(CKA.CKA_ALLOWED_MECHANISMS, allowedMechanisms)]);

    public static void Rsa(ISession session, string label, byte[] id, int bits) =>
        Generate(session, CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, label, id,
            [session.Factories.ObjectAttributeFactory.Create(CKA.CKA_MODULUS_BITS, (ulong)bits), A(session, CKA.CKA_PUBLIC_EXPONENT, [1, 0, 1])]);

    public static void Ed25519(ISession session, string label, byte[] id) =>
        Generate(session, Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN, label, id, [A(session, CKA.CKA_EC_PARAMS, Pkcs11Constants.Ed25519Params.ToArray())]);

    /// <summary>Stores an X.509 certificate object (CKO_CERTIFICATE, CKC_X_509) with the key's CKA_ID and label.</summary>
    public static void Certificate(ISession session, string label, byte[] id, byte[] der)
    {
        var f = session.Factories.ObjectAttributeFactory;
        using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
        session.CreateObject(
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE), f.Create(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_LABEL, Encoding.UTF8.GetBytes(label)),
            f.Create(CKA.CKA_ID, id), f.Create(CKA.CKA_SUBJECT, cert.SubjectName.RawData), f.Create(CKA.CKA_VALUE, der),
        ]);
    }

    private static IObjectAttribute A(ISession s, CKA type, byte[] value) => s.Factories.ObjectAttributeFactory.Create(type, value);

    private static void Generate(ISession session, CKM mechanism, string label, byte[] id, List<IObjectAttribute> publicSpecific, List<IObjectAttribute>? privateSpecific = null)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var labelBytes = Encoding.UTF8.GetBytes(label);
        var publicTemplate = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_VERIFY, true),
            f.Create(CKA.CKA_LABEL, labelBytes), f.Create(CKA.CKA_ID, id),
        };
        publicTemplate.AddRange(publicSpecific);
        var privateTemplate = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true), f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, false), f.Create(CKA.CKA_SIGN, true), f.Create(CKA.CKA_LABEL, labelBytes), f.Create(CKA.CKA_ID, id),
        };
        privateTemplate.AddRange(privateSpecific ?? []);
        using var m = session.Factories.MechanismFactory.Create(mechanism);
        session.GenerateKeyPair(m, publicTemplate, privateTemplate, out _, out _);
    }
}
