using Net.Pkcs11Interop.Common;
using TlsEngine.Hsm.Tests.Support;
using TlsEngine.Record;
using TlsEngine.X509;

namespace TlsEngine.Hsm.Tests;

/// <summary>
/// The token's state changes under the server (logout, all sessions closed from a second session): the next signature
/// is retried on a fresh session with a new login, and a failure that persists becomes internal_error naming the CKR
/// value while the server keeps serving.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class RecoveryTests(SoftHsmFixture hsm)
{
    public enum Disruption
    {
        LogoutFromSecondSession,
        CloseAllSessions,
    }

    [SkippableTheory]
    [InlineData(Disruption.LogoutFromSecondSession)]
    [InlineData(Disruption.CloseAllSessions)]
    public void NextHandshakeAfterTheDisruptionSucceeds(Disruption disruption)
    {
        hsm.Require();
        var (client, server, key) = Options("ec-p256");
        MemoryPair.Handshake(client, server);
        int invalidations = key.Pool.Invalidations, logins = key.Pool.Logins;

        Disrupt(disruption, SoftHsmFixture.Token);

        for (int i = 0; i < 5; i++)
            MemoryPair.Handshake(client, server);
        Assert.Equal(invalidations + 1, key.Pool.Invalidations);
        Assert.Equal(logins + 1, key.Pool.Logins); // the token was logged out: one new login
    }

    [SkippableTheory]
    [InlineData(Disruption.LogoutFromSecondSession)]
    [InlineData(Disruption.CloseAllSessions)]
    public async Task DisruptionMidRunWithConcurrentHandshakes(Disruption disruption)
    {
        hsm.Require();
        var (client, server, key) = Options("ec-p256");
        MemoryPair.Handshake(client, server); // the pool has logged-in idle sessions with the key's handle
        int invalidations = key.Pool.Invalidations;
        int failures = 0, afterDisruption = 0;
        var disrupted = new ManualResetEventSlim();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // C_Logout comes while the other three workers are inside handshakes. C_CloseAllSessions comes while all
        // workers wait between handshakes: SoftHSM deletes the session objects it closes, so closing sessions that other
        // threads are inside C_SignInit/C_Sign on is a use-after-free in SoftHSM (it crashed the test host about one
        // run in fifteen), not something a client library can make safe.
        using var between = new Barrier(4, _ =>
        {
            Disrupt(disruption, SoftHsmFixture.Token);
            disrupted.Set();
        });
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (int i = 0; i < 40; i++)
            {
                if (i == 10 && disruption == Disruption.CloseAllSessions)
                {
                    between.SignalAndWait();
                }
                else if (worker == 0 && i == 10)
                {
                    Disrupt(disruption, SoftHsmFixture.Token);
                    disrupted.Set();
                }
                bool after = disrupted.IsSet;
                try
                {
                    MemoryPair.Handshake(client, server);
                    if (after) Interlocked.Increment(ref afterDisruption);
                }
                catch (TlsAlertException e)
                {
                    Interlocked.Increment(ref failures);
                    errors.Enqueue(e.Message);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));

        // Every signature hit by the disruption was retried on a fresh session: nothing failed.
        Assert.True(failures == 0, $"{failures} handshakes failed: {string.Join(" | ", errors.Take(3))}");
        Assert.True(afterDisruption >= 30, $"only {afterDisruption} handshakes ran after the disruption");
        Assert.True(key.Pool.Invalidations > invalidations, "no signature noticed the disruption");
        for (int i = 0; i < 5; i++)
            MemoryPair.Handshake(client, server);
    }

    /// <summary>
    /// The window the concurrent run above can hit: a session opened (and seen logged in) just before another thread's
    /// C_Logout, and used for its first signature just after. C_FindObjects then succeeds with no private key in sight
    /// (PKCS#11 v2.40 §5.7: private objects are visible to a logged-in user only); that is the lost login, retried, not
    /// a key gone from the token.
    /// </summary>
    [SkippableFact]
    public void FreshSessionLoggedOutBeforeItFindsTheKeyIsRetried()
    {
        hsm.Require();
        var (client, server, key) = Options("ec-p256");
        MemoryPair.Handshake(client, server);
        int logins = key.Pool.Logins, invalidations = key.Pool.Invalidations;
        key.Pool.Return(key.Pool.OpenFresh(key.Uri.Pin)); // on top of the idle stack, no key handle found in it yet

        Disrupt(Disruption.LogoutFromSecondSession, SoftHsmFixture.Token);

        MemoryPair.Handshake(client, server);
        Assert.Equal(invalidations + 1, key.Pool.Invalidations);
        Assert.Equal(logins + 1, key.Pool.Logins);
    }

    /// <summary>Opening a key on a pooled session that lost its login retries likewise instead of saying no key matches.</summary>
    [SkippableFact]
    public void OpeningAKeyAfterALogoutIsRetried()
    {
        hsm.Require();
        var (client, server, key) = Options("ec-p256");
        MemoryPair.Handshake(client, server); // idle sessions of the current generation
        int invalidations = key.Pool.Invalidations;

        Disrupt(Disruption.LogoutFromSecondSession, SoftHsmFixture.Token);

        var other = hsm.OpenKey("ec-p384");
        Assert.Same(key.Pool, other.Pool);
        Assert.Equal(invalidations + 1, key.Pool.Invalidations);
        Assert.Equal("ec-p384", other.Label);
    }

    /// <summary>
    /// An RSA key whose public key object is gone: its public key comes from the modulus on the private key object, and
    /// reading it on a pooled session that lost its login is retried like a signature.
    /// </summary>
    [SkippableFact]
    public void PublicKeyOfAnRsaKeyWithoutItsPublicObjectIsReadAfterALogout()
    {
        hsm.Require();
        byte[] id = [0x21];
        byte[] expected;
        using (var session = hsm.Slot(SoftHsmFixture.RecoveryToken).OpenSession(SessionType.ReadWrite))
        {
            try
            {
                session.Login(CKU.CKU_USER, System.Text.Encoding.UTF8.GetBytes(SoftHsmFixture.Pin));
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
            }
            KeyGeneration.Rsa(session, "rsa-no-public", id, 2048);
            var f = session.Factories.ObjectAttributeFactory;
            foreach (var pub in session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), f.Create(CKA.CKA_ID, id)]))
                session.DestroyObject(pub);
            var priv = session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_ID, id)]).Single();
            var values = session.GetAttributeValue(priv, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            using var rsa = System.Security.Cryptography.RSA.Create(new System.Security.Cryptography.RSAParameters
            {
                Modulus = values[0].GetValueAsByteArray(),
                Exponent = values[1].GetValueAsByteArray(),
            });
            expected = rsa.ExportSubjectPublicKeyInfo();
        }
        var key = Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.RecoveryToken};object=rsa-no-public?pin-value={SoftHsmFixture.Pin}");
        Assert.Equal(expected, key.ExportSubjectPublicKeyInfo());
        int invalidations = key.Pool.Invalidations;
        key.Pool.Return(key.Pool.OpenFresh(key.Uri.Pin));

        Disrupt(Disruption.LogoutFromSecondSession, SoftHsmFixture.RecoveryToken);

        Assert.Equal(expected, key.ExportSubjectPublicKeyInfo());
        Assert.Equal(invalidations + 1, key.Pool.Invalidations);
    }

    [SkippableFact]
    public void PersistentFailureIsInternalErrorNamingTheCkrValueAndTheServerRecovers()
    {
        hsm.Require();
        const string wrongPin = "98765-wrong";
        var pinFile = hsm.WriteFile("recovery-pin.txt", SoftHsmFixture.Pin);
        var key = Pkcs11SigningKey.Open($"pkcs11:token={SoftHsmFixture.RecoveryToken};object=recovery-p256?pin-source=file:{pinFile}");
        var server = new TlsServerOptions
        {
            Certificate = new TlsCertificate([Certificate.Parse(hsm.CertificateFor("recovery-p256"))], key),
            TrustAnchors = hsm.Anchors,
        };
        var client = new TlsClientOptions { Certificate = hsm.TlsCertificateFor("client-p256"), TrustAnchors = hsm.Anchors, ServerName = "localhost" };
        MemoryPair.Handshake(client, server);

        // The PIN is rotated on the token's side of the world but the file still has an old one; then the token is logged out.
        File.WriteAllText(pinFile, wrongPin);
        Disrupt(Disruption.LogoutFromSecondSession, SoftHsmFixture.RecoveryToken);

        var failure = Assert.Throws<TlsAlertException>(() => MemoryPair.Handshake(client, server));
        Assert.Equal(AlertDescription.InternalError, failure.Alert);
        Assert.False(failure.ReceivedFromPeer);
        Assert.Contains("CKR_PIN_INCORRECT", failure.Message);
        // What the first attempt saw: SoftHSM drops private object handles at C_Logout.
        Assert.Matches("retried once on a fresh session after C_[A-Za-z]+ returned CKR_(OBJECT_HANDLE_INVALID|KEY_HANDLE_INVALID|USER_NOT_LOGGED_IN)", failure.Message);
        Assert.Contains(pinFile, failure.Message);
        Assert.DoesNotContain(wrongPin, failure.ToString());
        Assert.DoesNotContain(SoftHsmFixture.Pin, failure.Message);

        // The same server options keep serving once the PIN file is right again.
        File.WriteAllText(pinFile, SoftHsmFixture.Pin);
        MemoryPair.Handshake(client, server);
        MemoryPair.Handshake(client, server);
    }

    private (TlsClientOptions Client, TlsServerOptions Server, Pkcs11SigningKey Key) Options(string serverKey)
    {
        var key = hsm.OpenKey(serverKey);
        var server = new TlsServerOptions
        {
            Certificate = new TlsCertificate([Certificate.Parse(hsm.CertificateFor(serverKey))], key),
            TrustAnchors = hsm.Anchors,
        };
        var client = new TlsClientOptions { Certificate = hsm.TlsCertificateFor("client-p256"), TrustAnchors = hsm.Anchors, ServerName = "localhost" };
        return (client, server, key);
    }

    /// <summary>What another application thread (or an operator tool in-process) might do to the token.</summary>
    private void Disrupt(Disruption disruption, string token)
    {
        var slot = hsm.Slot(token);
        if (disruption == Disruption.CloseAllSessions)
        {
            slot.CloseAllSessions(); // C_CloseAllSessions: every session of this application on the token, and its login
            return;
        }
        using var second = slot.OpenSession(SessionType.ReadOnly);
        second.Logout(); // C_Logout: login state is per token per application, so all sessions lose it
    }
}
