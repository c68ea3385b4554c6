using System.Formats.Asn1;
using System.Net;
using BclExtension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace TlsEngine.X509.Tests;

/// <summary>DER builders for the extensions the BCL cannot make: name constraints and policy extensions.</summary>
internal static class Ext
{
    public static byte[] Dns(string name) => Ia5(2, name);

    public static byte[] Email(string name) => Ia5(1, name);

    public static byte[] Uri(string name) => Ia5(6, name);

    /// <summary>iPAddress constraint from CIDR notation, e.g. 192.0.2.0/24.</summary>
    public static byte[] IpRange(string cidr)
    {
        string[] parts = cidr.Split('/');
        byte[] address = IPAddress.Parse(parts[0]).GetAddressBytes();
        int prefix = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        byte[] mask = new byte[address.Length];
        for (int i = 0; i < prefix; i++)
            mask[i / 8] |= (byte)(0x80 >> (i % 8));
        return Raw(0x87, [.. address, .. mask]);
    }

    public static byte[] Dir(string name) =>
        Raw(0xA4, new System.Security.Cryptography.X509Certificates.X500DistinguishedName(name).RawData);

    public static byte[] Raw(byte tag, byte[] content)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        if ((tag & 0x20) != 0)
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, tag & 0x1F, isConstructed: true)))
                w.WriteEncodedValue(content);
        }
        else
        {
            w.WriteOctetString(content, new Asn1Tag(TagClass.ContextSpecific, tag & 0x1F));
        }
        return w.Encode();
    }

    private static byte[] Ia5(int tag, string value)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteCharacterString(UniversalTagNumber.IA5String, value, new Asn1Tag(TagClass.ContextSpecific, tag));
        return w.Encode();
    }

    /// <summary>nameConstraints with the given encoded GeneralNames as subtree bases.</summary>
    public static BclExtension NameConstraints(byte[][]? permitted = null, byte[][]? excluded = null, bool critical = true)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            Subtrees(w, 0, permitted);
            Subtrees(w, 1, excluded);
        }
        return new BclExtension("2.5.29.30", w.Encode(), critical);
    }

    private static void Subtrees(AsnWriter w, int tag, byte[][]? bases)
    {
        if (bases is null)
            return;
        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, tag, isConstructed: true)))
        {
            foreach (byte[] b in bases)
            {
                using (w.PushSequence())
                    w.WriteEncodedValue(b);
            }
        }
    }

    public static BclExtension Policies(params string[] oids)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (string oid in oids)
            {
                using (w.PushSequence())
                    w.WriteObjectIdentifier(oid);
            }
        }
        return new BclExtension("2.5.29.32", w.Encode(), false);
    }

    public static BclExtension Mappings(params (string Issuer, string Subject)[] mappings)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (var (issuer, subject) in mappings)
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(issuer);
                    w.WriteObjectIdentifier(subject);
                }
            }
        }
        return new BclExtension("2.5.29.33", w.Encode(), true);
    }

    public static BclExtension PolicyConstraints(int? requireExplicit, int? inhibitMapping, bool critical = true)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            if (requireExplicit is int r)
                w.WriteInteger(r, new Asn1Tag(TagClass.ContextSpecific, 0));
            if (inhibitMapping is int m)
                w.WriteInteger(m, new Asn1Tag(TagClass.ContextSpecific, 1));
        }
        return new BclExtension("2.5.29.36", w.Encode(), critical);
    }

    public static BclExtension InhibitAnyPolicy(int skip)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteInteger(skip);
        return new BclExtension("2.5.29.54", w.Encode(), true);
    }
}
