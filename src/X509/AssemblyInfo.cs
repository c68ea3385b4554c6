// TlsEngine.X509: RFC 5280 certificates and path validation. See README.md.
