#!/usr/bin/env bash
# A PKI with an OCSP responder and a CRL, for the revocation interop tests (loopback only).
# Usage: gen-ocsp-pki.sh OUTDIR OCSP_PORT CRL_URL
# Writes: ca.{pem,key}; responder.{pem,key} (id-kp-OCSPSigning, issued by the CA); other-ca.{pem,key};
#   server-good, server-revoked, client-good, client-revoked .{pem,key} (AIA OCSP http://127.0.0.1:OCSP_PORT,
#   CRL distribution point CRL_URL); *-chain.pem (leaf + CA); index.txt (the responder's database, the two
#   "revoked" leaves revoked for keyCompromise); ca.crl (DER CRL listing them).
set -euo pipefail
OUT=$1 OCSP_PORT=$2 CRL_URL=$3
mkdir -p "$OUT"; cd "$OUT"
umask 077
cat > ca.cnf <<CNF
[ca]
default_ca = testca
[testca]
dir = .
database = index.txt
new_certs_dir = issued
serial = serial
crlnumber = crlnumber
default_md = sha256
default_crl_days = 1
policy = anything
default_days = 30
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$OCSP_PORT
crlDistributionPoints = URI:$CRL_URL
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = URI:spiffe://ocsp.test/client
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$OCSP_PORT
crlDistributionPoints = URI:$CRL_URL
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[responder]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
mkdir -p issued; : > index.txt; echo 1000 > serial; echo 01 > crlnumber
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
newkey ca.key
openssl req -x509 -new -key ca.key -out ca.pem -subj "/CN=OCSP Interop CA" -days 30 -config ca.cnf -extensions v3_ca
newkey other-ca.key
openssl req -x509 -new -key other-ca.key -out other-ca.pem -subj "/CN=Other OCSP CA" -days 30 -config ca.cnf -extensions v3_ca
issue() { # $1=name $2=extensions section
  newkey "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1" -config ca.cnf
  openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -out "$1.pem" -extensions "$2" 2>/dev/null
  cat "$1.pem" ca.pem > "$1-chain.pem"
  rm -f "$1.csr"
}
issue responder responder
issue server-good server
issue server-revoked server
issue client-good client
issue client-revoked client
for r in server-revoked client-revoked; do
  openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -revoke "$r.pem" -crl_reason keyCompromise 2>/dev/null
done
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl -out ca-crl.pem 2>/dev/null
openssl crl -in ca-crl.pem -outform DER -out ca.crl
openssl verify -CAfile ca.pem -purpose sslserver server-good.pem >/dev/null
echo "OCSP PKI written to $(pwd)"
