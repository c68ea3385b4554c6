global using TlsEngine.Testing;
