using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using TlsEngine.Crypto;
using TlsEngine.Record;

namespace TlsEngine.KeySchedule;

/// <summary>
/// The TLS 1.3 key schedule (RFC 8446 §7.1) for one connection: Early Secret → Handshake Secret → Master Secret,
/// the traffic secrets derived from each, and Finished keys (§4.4.4). Secrets are zeroed when replaced or disposed.
/// </summary>
internal sealed class TlsKeySchedule : IDisposable
{
    private readonly HashAlgorithmName _hash;
    private readonly int _hashLength;
    // The current stage's secret, held inline (no array per stage); Secret is its first Hash.length bytes.
    private SecretBuffer _secret;

    public TlsKeySchedule(CipherSuite suite, ReadOnlySpan<byte> psk = default)
    {
        Suite = suite;
        _hash = CipherSuites.Hash(suite);
        _hashLength = CipherSuites.HashLength(suite);
        // Early Secret = HKDF-Extract(0, PSK or 0s)
        Span<byte> zeros = stackalloc byte[_hashLength];
        zeros.Clear();
        Hkdf.Extract(_hash, psk.IsEmpty ? zeros : psk, zeros, Secret);
    }

    private Span<byte> Secret => ((Span<byte>)_secret)[.._hashLength];

    public CipherSuite Suite { get; private set; }
    public int HashLength => _hashLength;
    public HashAlgorithmName Hash => _hash;

    /// <summary>
    /// Continues this schedule under <paramref name="suite"/>, which has the same hash: the Early Secret a client takes
    /// from a ticket's PSK for its binder, under the ticket's suite, serves the suite the server selects for the
    /// resumption (RFC 8446 §4.2.11 requires only the same hash).
    /// </summary>
    public void UseSuite(CipherSuite suite)
    {
        if (CipherSuites.Hash(suite) != _hash) throw new ArgumentException($"{suite} does not use the schedule's hash, {_hash.Name}");
        Suite = suite;
    }

    /// <summary>The secret of the current stage (early, handshake or master), exposed for test vectors.</summary>
    internal ReadOnlySpan<byte> CurrentSecret => Secret;

    /// <summary>
    /// The next stage's secret, Extract(<paramref name="derived"/>, <paramref name="ikm"/>), in place of the current one
    /// (RFC 8446 §7.1: HMAC keyed with the salt over the IKM, so the current secret is no longer read when it is
    /// overwritten); <paramref name="derived"/>, Derive-Secret(current, "derived", ""), is zeroed after use.
    /// </summary>
    private void NextStage(Span<byte> derived, ReadOnlySpan<byte> ikm)
    {
        Hkdf.Extract(_hash, ikm, derived, Secret);
        CryptographicOperations.ZeroMemory(derived);
    }

    /// <summary>binder_key = Derive-Secret(Early Secret, "res binder", "") for resumption PSKs (RFC 8446 §7.1).</summary>
    public byte[] BinderKey() => Derive("res binder"u8, EmptyHash);

    // Transcript-Hash of no messages, Hash(""), the context of the "derived" and "res binder" secrets (§7.1).
    private static readonly byte[] EmptySha256 = SHA256.HashData([]);
    private static readonly byte[] EmptySha384 = SHA384.HashData([]);

    private ReadOnlySpan<byte> EmptyHash => _hashLength == 32 ? EmptySha256 : EmptySha384;

    /// <summary>The PSK of a ticket: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) (RFC 8446 §4.6.1).</summary>
    public byte[] TicketPsk(ReadOnlySpan<byte> resumptionMasterSecret, ReadOnlySpan<byte> nonce) =>
        HkdfLabel.Expand(_hash, resumptionMasterSecret, "resumption"u8, nonce, _hashLength);

    /// <summary>Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).</summary>
    public void AdvanceToHandshake(ReadOnlySpan<byte> sharedSecret)
    {
        Span<byte> derived = stackalloc byte[_hashLength];
        HkdfLabel.Expand(_hash, Secret, "derived"u8, EmptyHash, derived);
        NextStage(derived, sharedSecret);
    }

    /// <summary>
    /// client_ and server_handshake_traffic_secret = Derive-Secret(Handshake Secret, "c hs traffic" / "s hs traffic",
    /// ClientHello...ServerHello), then Master Secret = HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0),
    /// which replaces the Handshake Secret (RFC 8446 §7.1). The Master Secret depends on no transcript, so it is taken
    /// here, with the Handshake Secret keyed for HMAC once for all three labels; nothing needs the Handshake Secret after.
    /// </summary>
    public void DeriveHandshakeTrafficSecrets(ReadOnlySpan<byte> helloHash, Span<byte> client, Span<byte> server)
    {
        CheckOutputs(helloHash, client, server);
        Span<byte> derived = stackalloc byte[_hashLength];
        DeriveThree("c hs traffic"u8, client, "s hs traffic"u8, server, helloHash, "derived"u8, EmptyHash, derived);
        Span<byte> zeros = stackalloc byte[_hashLength];
        zeros.Clear();
        NextStage(derived, zeros);
    }

    /// <summary>
    /// client_ and server_application_traffic_secret_0 and exporter_master_secret = Derive-Secret(Master Secret,
    /// "c ap traffic" / "s ap traffic" / "exp master", ClientHello...server Finished) (RFC 8446 §7.1), the Master Secret
    /// keyed for HMAC once. The keyed state lives on the stack: kept in this object, it would be retained for the
    /// connection's life.
    /// </summary>
    public void DeriveApplicationTrafficSecrets(ReadOnlySpan<byte> serverFinishedHash, Span<byte> client, Span<byte> server, Span<byte> exporter)
    {
        CheckOutputs(serverFinishedHash, client, server);
        CheckOutputs(serverFinishedHash, exporter, exporter);
        DeriveThree("c ap traffic"u8, client, "s ap traffic"u8, server, serverFinishedHash, "exp master"u8, serverFinishedHash, exporter);
    }

    /// <summary>Two Derive-Secrets over <paramref name="hash"/> and a third over <paramref name="thirdContext"/>, the current secret keyed for HMAC once.</summary>
    private void DeriveThree(ReadOnlySpan<byte> firstLabel, Span<byte> first, ReadOnlySpan<byte> secondLabel, Span<byte> second,
        ReadOnlySpan<byte> hash, ReadOnlySpan<byte> thirdLabel, ReadOnlySpan<byte> thirdContext, Span<byte> third)
    {
        var key = new HmacKey();
        try
        {
            key.Init(_hash, Secret);
            HkdfLabel.Expand(in key, firstLabel, hash, first);
            HkdfLabel.Expand(in key, secondLabel, hash, second);
            HkdfLabel.Expand(in key, thirdLabel, thirdContext, third);
        }
        finally
        {
            key.Dispose();
        }
    }

    private void CheckOutputs(ReadOnlySpan<byte> transcriptHash, Span<byte> first, Span<byte> second)
    {
        if (transcriptHash.Length != _hashLength || first.Length != _hashLength || second.Length != _hashLength)
            throw new ArgumentException("Derive-Secret's context and outputs are Hash.length bytes");
    }

    /// <summary>Derive-Secret(current stage secret, label, transcript hash).</summary>
    public byte[] Derive(ReadOnlySpan<byte> label, ReadOnlySpan<byte> transcriptHash)
    {
        var output = new byte[_hashLength];
        Derive(label, transcriptHash, output);
        return output;
    }

    /// <summary>Derive-Secret(current stage secret, label, transcript hash) into <paramref name="output"/> (Hash.length bytes).</summary>
    public void Derive(ReadOnlySpan<byte> label, ReadOnlySpan<byte> transcriptHash, Span<byte> output)
    {
        if (output.Length != _hashLength) throw new ArgumentException("Derive-Secret output is Hash.length bytes");
        HkdfLabel.Expand(_hash, Secret, label, transcriptHash, output);
    }

    /// <summary>
    /// TLS-Exporter(label, context_value, key_length) (RFC 8446 §7.5) from the exporter_master_secret:
    /// HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length). An empty
    /// context and no context are the same in TLS 1.3.
    /// </summary>
    public void Export(ReadOnlySpan<byte> exporterMasterSecret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        Span<byte> secret = stackalloc byte[_hashLength];
        Span<byte> contextHash = stackalloc byte[_hashLength];
        try
        {
            HkdfLabel.Expand(_hash, exporterMasterSecret, label, EmptyHash, secret);
            Sha2Context.HashData(_hash, context, contextHash);
            HkdfLabel.Expand(_hash, secret, "exporter"u8, contextHash, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// write_key and write_iv from a traffic secret (RFC 8446 §7.3) as record protection: <paramref name="current"/>
    /// (the direction's protection so far, of this suite) rekeyed in place with its sequence number back at zero, or a
    /// new protection when there is none. With <paramref name="finishedKey"/> (a handshake traffic secret's), also
    /// finished_key = HKDF-Expand-Label(secret, "finished", "", Hash.length) (§4.4.4) from the same keyed secret; it may
    /// be the secret's own span, which is read before it is written.
    /// </summary>
    public RecordProtection CreateProtection(ReadOnlySpan<byte> trafficSecret, RecordProtection? current = null, Span<byte> finishedKey = default)
    {
        Span<byte> key = stackalloc byte[CipherSuites.KeyLength(Suite)];
        Span<byte> iv = stackalloc byte[CipherSuites.IvLength];
        var secret = new HmacKey();
        try
        {
            secret.Init(_hash, trafficSecret);
            HkdfLabel.Expand(in secret, "key"u8, [], key);
            HkdfLabel.Expand(in secret, "iv"u8, [], iv);
            if (!finishedKey.IsEmpty) HkdfLabel.Expand(in secret, "finished"u8, [], finishedKey[.._hashLength]);
            if (current is null || current.Suite != Suite)
                return new RecordProtection(Suite, key, iv);
            current.Rekey(key, iv);
            return current;
        }
        finally
        {
            secret.Dispose();
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(iv);
        }
    }

    /// <summary>verify_data = HMAC(finished_key, Transcript-Hash), finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 §4.4.4).</summary>
    public void FinishedVerifyData(ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> transcriptHash, Span<byte> verifyData)
    {
        Span<byte> finishedKey = stackalloc byte[_hashLength];
        HkdfLabel.Expand(_hash, baseKey, "finished"u8, [], finishedKey);
        FinishedMac(finishedKey, transcriptHash, verifyData);
        CryptographicOperations.ZeroMemory(finishedKey);
    }

    /// <summary>verify_data = HMAC(finished_key, Transcript-Hash) with finished_key already derived (<see cref="CreateProtection"/>).</summary>
    public void FinishedMac(ReadOnlySpan<byte> finishedKey, ReadOnlySpan<byte> transcriptHash, Span<byte> verifyData) =>
        Hkdf.HmacData(_hash, finishedKey, transcriptHash, verifyData[.._hashLength]);

    /// <summary>application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2).</summary>
    public void NextApplicationSecret(ReadOnlySpan<byte> current, Span<byte> next) =>
        HkdfLabel.Expand(_hash, current, "traffic upd"u8, [], next[.._hashLength]);

    public void Dispose() => CryptographicOperations.ZeroMemory(_secret);
}

/// <summary>
/// Room for one secret of up to 48 bytes (the longest hash of a TLS 1.3 suite, SHA-384), held inline in the object that
/// owns it instead of in an array of its own; the owner zeroes it (CryptographicOperations.ZeroMemory) when the secret
/// is no longer needed.
/// </summary>
[InlineArray(MaxLength)]
internal struct SecretBuffer
{
    public const int MaxLength = 48;

    private byte _element;
}
