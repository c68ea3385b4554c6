// TlsEngine.Record: the TLS 1.3 record layer (RFC 8446 §5).
