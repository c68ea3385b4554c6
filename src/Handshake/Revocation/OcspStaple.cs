namespace TlsEngine;

/// <summary>Where this endpoint's OCSP staple comes from. Read on every handshake, so it must be cheap and thread-safe.</summary>
public interface IOcspStapleSource
{
    /// <summary>The DER OCSPResponse to staple now, or null when there is none (the certificate goes without).</summary>
    ReadOnlyMemory<byte>? Current { get; }
}

/// <summary>Fixed staples: from bytes or from a file (like <c>openssl s_server -status_file</c>).</summary>
public sealed class OcspStaple : IOcspStapleSource
{
    private readonly byte[] _response;

    private OcspStaple(byte[] response) => _response = response;

    public ReadOnlyMemory<byte>? Current => _response;

    public static OcspStaple FromBytes(ReadOnlySpan<byte> der) => new(der.ToArray());

    /// <summary>Reads a DER OCSPResponse file (as written by <c>openssl ocsp -respout</c>).</summary>
    public static OcspStaple FromFile(string path) => new(File.ReadAllBytes(path));
}
