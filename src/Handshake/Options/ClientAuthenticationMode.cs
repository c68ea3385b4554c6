namespace TlsEngine;

/// <summary>Whether a server asks for, and insists on, a client certificate (RFC 8446 §4.3.2).</summary>
public enum ClientAuthenticationMode
{
    /// <summary>No CertificateRequest is sent.</summary>
    None,

    /// <summary>A CertificateRequest is sent; a client without a certificate connects with no peer identity.</summary>
    Optional,

    /// <summary>A CertificateRequest is sent; an empty client Certificate ends the handshake with certificate_required.</summary>
    Required,
}
