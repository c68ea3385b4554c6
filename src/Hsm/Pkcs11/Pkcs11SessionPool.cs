using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace TlsEngine.Hsm;

/// <summary>
/// Logged-in sessions on one token, shared by every key on it. A signer rents a session, uses it alone (PKCS#11 v2.40
/// §2.6.7: one thread per session at a time) and returns it, so parallel handshakes sign in parallel with no lock around
/// the library. Login is per token per application (§5.5), so it happens once: a newly opened session that finds the
/// token logged out logs in under a per-token gate, and every other session shares that login.
/// </summary>
/// <remarks>
/// Recovery: when a signer sees an error that a new session may cure (<see cref="Pkcs11ReturnValues.IsRecoverable"/>),
/// it calls <see cref="Invalidate"/>, which starts a new generation: idle sessions from before are dropped, and
/// sessions still out with other signers are dropped when they come back. The signer then retries once on
/// <see cref="OpenFresh"/>, which logs in again if the token was logged out.
/// </remarks>
internal sealed class Pkcs11SessionPool
{
    /// <summary>Idle sessions kept open for reuse; more than this are closed when returned.</summary>
    internal const int MaxIdle = 64;

    private readonly Pkcs11Module _module;
    private readonly ISlot _slot;
    private readonly ConcurrentStack<PooledSession> _idle = new();
    private readonly Lock _loginGate = new();
    private volatile PinSource _lastGoodPin = PinSource.None;
    private int _generation;
    private int _abandonGeneration = -1;
    private int _sessionsOpened;
    private int _logins;
    private int _invalidations;

    public Pkcs11SessionPool(Pkcs11Module module, ISlot slot)
    {
        _module = module;
        _slot = slot;
        var info = slot.GetTokenInfo();
        TokenLabel = info.Label.TrimEnd(' ', '\0');
        LoginRequired = info.TokenFlags.LoginRequired;
    }

    public Pkcs11Module Module => _module;
    public ISlot Slot => _slot;
    public string TokenLabel { get; }
    public bool LoginRequired { get; }

    public int Generation => Volatile.Read(ref _generation);
    public int SessionsOpened => Volatile.Read(ref _sessionsOpened);
    public int Logins => Volatile.Read(ref _logins);
    public int Invalidations => Volatile.Read(ref _invalidations);
    public int IdleCount => _idle.Count;

    /// <summary>
    /// Runs <paramref name="operation"/> on a rented session. If it fails with an error a new session may cure
    /// (<see cref="Pkcs11ReturnValues.IsRecoverable"/>), the pool starts a new generation and the operation runs once more
    /// on a freshly opened session, which logs in again if the token was logged out.
    /// </summary>
    /// <exception cref="Pkcs11CallException">The operation (or opening the session, or logging in) failed for good.</exception>
    /// <exception cref="HsmException">Thrown by the operation or while reading the PIN; not retried.</exception>
    public T Run<T>(PinSource pin, Func<PooledSession, T> operation)
    {
        int generation = Generation;
        PooledSession? session = null;
        Pkcs11Exception first;
        try
        {
            session = Rent(pin);
            generation = session.Generation;
            var result = operation(session);
            Return(session);
            return result;
        }
        catch (Pkcs11Exception e) when (Pkcs11ReturnValues.IsRecoverable(e.RV))
        {
            Invalidate(session, generation, e.RV);
            first = e;
        }
        catch (Pkcs11Exception e)
        {
            Discard(session, e.RV);
            throw new Pkcs11CallException(e, null);
        }
        catch
        {
            Discard(session);
            throw;
        }

        session = null;
        try
        {
            session = OpenFresh(pin);
            var result = operation(session);
            Return(session);
            return result;
        }
        catch (Pkcs11Exception e)
        {
            if (session is not null && Pkcs11ReturnValues.IsRecoverable(e.RV)) Invalidate(session, session.Generation, e.RV);
            else Discard(session, e.RV);
            throw new Pkcs11CallException(e, first);
        }
        catch
        {
            Discard(session);
            throw;
        }
    }

    /// <summary>An idle session of the current generation, or a newly opened and logged-in one.</summary>
    /// <exception cref="Pkcs11Exception">Opening the session or logging in failed.</exception>
    /// <exception cref="HsmException">The PIN could not be read, or the token needs a PIN and none was given.</exception>
    public PooledSession Rent(PinSource pin)
    {
        int generation = Generation;
        while (_idle.TryPop(out var s))
        {
            if (s.Generation == generation) return s;
            Drop(s);
        }
        return OpenFresh(pin);
    }

    /// <summary>
    /// Opens a new session (never an idle one) and logs in if the token is logged out, with <paramref name="pin"/> or,
    /// if that is <see cref="PinSource.None"/>, the source of the last successful login.
    /// </summary>
    public PooledSession OpenFresh(PinSource pin)
    {
        int generation = Generation;
        var session = _slot.OpenSession(SessionType.ReadOnly);
        Interlocked.Increment(ref _sessionsOpened);
        var pooled = new PooledSession(session, generation);
        try
        {
            EnsureLoggedIn(session, pin);
        }
        catch
        {
            Close(pooled);
            throw;
        }
        return pooled;
    }

    /// <summary>Opens a session without logging in (public objects only unless the token is logged in already).</summary>
    public PooledSession OpenPublic()
    {
        var session = _slot.OpenSession(SessionType.ReadOnly);
        Interlocked.Increment(ref _sessionsOpened);
        return new PooledSession(session, Generation);
    }

    /// <summary>Gives back a session that worked. Sessions of an older generation, or beyond <see cref="MaxIdle"/>, are dropped.</summary>
    public void Return(PooledSession session)
    {
        if (session.Generation != Generation || _idle.Count >= MaxIdle)
        {
            Drop(session);
            return;
        }
        _idle.Push(session);
    }

    /// <summary>Drops a session that failed with an error no retry will cure (its operation state is unknown).</summary>
    public void Discard(PooledSession? session, CKR? rv = null)
    {
        if (session is null) return;
        if (rv is { } r && Pkcs11ReturnValues.SessionsAreGone(r)) Abandon(session);
        else Close(session);
    }

    /// <summary>
    /// Starts a new generation after a recoverable error seen on a session of <paramref name="observedGeneration"/>
    /// (only the first signer to report a given generation does so) and drops the failed session and the idle ones.
    /// </summary>
    public void Invalidate(PooledSession? failed, int observedGeneration, CKR rv)
    {
        bool gone = Pkcs11ReturnValues.SessionsAreGone(rv);
        if (Interlocked.CompareExchange(ref _generation, observedGeneration + 1, observedGeneration) == observedGeneration)
        {
            Interlocked.Increment(ref _invalidations);
            if (gone) Volatile.Write(ref _abandonGeneration, observedGeneration);
            var newer = new List<PooledSession>(); // fresh sessions other signers returned meanwhile
            while (_idle.TryPop(out var s))
            {
                if (s.Generation <= observedGeneration) Drop(s);
                else newer.Add(s);
            }
            foreach (var s in newer) _idle.Push(s);
        }
        if (failed is not null)
        {
            if (gone) Abandon(failed);
            else Close(failed);
        }
    }

    /// <summary>Closes a stale session, or abandons it if its generation ended because the sessions were gone.</summary>
    private void Drop(PooledSession s)
    {
        if (s.Generation <= Volatile.Read(ref _abandonGeneration)) Abandon(s);
        else Close(s);
    }

    private static void Close(PooledSession s)
    {
        try
        {
            s.Session.Dispose(); // C_CloseSession
        }
        catch (Pkcs11Exception)
        {
            // Already closed by the module (C_CloseAllSessions, device removed): nothing to release.
        }
    }

    /// <summary>
    /// Forgets a session without C_CloseSession, now or from Pkcs11Interop's finalizer: its handle may already belong to
    /// another session the module opened since.
    /// </summary>
    private static void Abandon(PooledSession s) => GC.SuppressFinalize(s.Session);

    /// <summary>Logs the user in (PKCS#11 v2.40 §5.6 C_Login) unless the session already sees a user login.</summary>
    private void EnsureLoggedIn(ISession session, PinSource pin)
    {
        if (!LoginRequired || IsUserSession(session)) return;
        lock (_loginGate)
        {
            if (IsUserSession(session)) return;
            var source = pin.IsNone ? _lastGoodPin : pin;
            var bytes = source.Read()
                ?? throw new HsmException($"token '{TokenLabel}' requires a login: add pin-source=file:PATH, pin-source=env:NAME or pin-value to the PKCS#11 URI");
            try
            {
                session.Login(CKU.CKU_USER, bytes);
                _lastGoodPin = source;
                Interlocked.Increment(ref _logins);
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // Another session of this application logged in first; the login is shared.
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    /// <summary>
    /// The private key objects with <paramref name="label"/> and <paramref name="id"/> (each when given) that
    /// <paramref name="session"/> sees. A search that finds nothing in a session that has lost its user login (C_Logout
    /// from another session after this one was opened) throws CKR_USER_NOT_LOGGED_IN for <see cref="Run{T}"/> to retry on
    /// a fresh, logged-in session: private objects are then merely hidden (PKCS#11 v2.40 §4.4, CKA_PRIVATE) and
    /// C_FindObjects succeeds without them, which is not the key being gone.
    /// </summary>
    /// <exception cref="Pkcs11Exception">CKR_USER_NOT_LOGGED_IN (set here, not returned by the module), or the module's error.</exception>
    public List<IObjectHandle> FindPrivateKeys(ISession session, string? label, byte[]? id)
    {
        var found = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, label, id);
        if (found.Count == 0 && LoginRequired && !IsUserSession(session))
            throw new Pkcs11Exception("C_FindObjects in a logged-out session", CKR.CKR_USER_NOT_LOGGED_IN);
        return found;
    }

    private static bool IsUserSession(ISession session) =>
        session.GetSessionInfo().State is CKS.CKS_RO_USER_FUNCTIONS or CKS.CKS_RW_USER_FUNCTIONS;
}

/// <summary>A session rented from a <see cref="Pkcs11SessionPool"/>, with the key handles found in it.</summary>
internal sealed class PooledSession(ISession session, int generation)
{
    public ISession Session { get; } = session;

    /// <summary>The pool generation the session was opened in.</summary>
    public int Generation { get; } = generation;

    /// <summary>Object handles found in this session, by key (PKCS#11 v2.40 §2.4: a handle is valid in the session that found it).</summary>
    public Dictionary<string, IObjectHandle> Handles { get; } = new(StringComparer.Ordinal);
}
