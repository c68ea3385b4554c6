#!/usr/bin/env bash
# Generate the throw-away test PKI of the OpenSSL interop suite (loopback use only).
# Usage: interop/gen-certs.sh OUTDIR
#
# For ALG in p256 (ECDSA P-256), p384 (ECDSA P-384), rsa (RSA 2048, rsaEncryption key), ed25519:
#   ca-ALG.{pem,key}        self-signed CA "Interop CA (ALG)"
#   server-ALG.{pem,key}    CN=localhost, SAN DNS:localhost + IP:127.0.0.1, EKU serverAuth, KU digitalSignature
#   client-ALG.{pem,key}    CN=client-ALG, SAN URI:spiffe://interop.test/client-ALG, EKU clientAuth, KU digitalSignature
# Negative-test material (all ECDSA P-256):
#   untrusted-ca.{pem,key}               a CA nobody trusts
#   client-untrusted.{pem,key}           client cert issued by untrusted-ca
#   server-untrusted.{pem,key}           server cert (CN/SAN localhost) issued by untrusted-ca
#   server-expired.{pem,key}             issued by ca-p256, valid from 30 days ago until 1 day ago
#   client-expired.{pem,key}             same validity, client profile
#   server-wrongname.{pem,key}           issued by ca-p256 for CN/SAN wrong.example only
# A two-level chain (P-256): intermediate-ca.{pem,key} (CA:TRUE, pathlen 0) issued by ca-p256, and
#   server-chained.{pem,key}, client-chained.{pem,key}   leaves issued by the intermediate; the .pem holds leaf + intermediate
# OCSP responses (DER, signed by ca-p256 itself, no nonce, valid 1 day) about server-p256:
#   ocsp-server-p256-good.der, ocsp-server-p256-revoked.der (revoked an hour ago)
# Keys are unencrypted PKCS#8; every file is created mode 0600 (umask 077).
# Works with OpenSSL 3.0 (no -not_before/-not_after): backdated certificates come from `openssl ca -startdate/-enddate`.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
umask 077
OUT=$1
DAYS=${DAYS:-825}
mkdir -p "$OUT"; cd "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/interop-pki.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

genkey() { # $1=alg $2=outfile: PKCS#8 PEM
  case "$1" in
    p256)    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    p384)    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    rsa)     openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
    rsapss)  openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$2" ;;
    *) echo "unknown key type $1" >&2; exit 2 ;;
  esac
}

digest() { # $1=alg of the signing (CA) key: Ed25519 signs without a separate digest
  case "$1" in
    ed25519) ;;
    p384) echo "-sha384" ;;
    *) echo "-sha256" ;;
  esac
}

ext() { # $1=kind $2=name-part: an extension section for a leaf or CA
  case "$1" in
    ca)     printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' ;;
    intermediate) printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' ;;
    server) printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' "$2" ;;
    client) printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' "$2" ;;
  esac
}

mkca() { # $1=name $2=alg $3=CN
  genkey "$2" "$1.key"
  ext ca > "$TMP/$1.ext"
  openssl req -new -x509 -key "$1.key" -out "$1.pem" -days "$DAYS" $(digest "$2") -subj "/CN=$3" \
      -config <(printf '[req]\ndistinguished_name=dn\nx509_extensions=v3\n[dn]\n[v3]\n'; cat "$TMP/$1.ext")
}

csr() { # $1=name $2=alg $3=CN
  genkey "$2" "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$3" -out "$TMP/$1.csr" -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n')
}

mkleaf() { # $1=name $2=alg $3=kind $4=CN $5=SAN $6=ca-name $7=ca-alg
  csr "$1" "$2" "$4"
  ext "$3" "$5" > "$TMP/$1.ext"
  openssl x509 -req -in "$TMP/$1.csr" -CA "$6.pem" -CAkey "$6.key" -CAserial "$TMP/$6.srl" -CAcreateserial \
      -days "$DAYS" $(digest "$7") -extfile "$TMP/$1.ext" -out "$1.pem" 2>/dev/null
}

mkbackdated() { # $1=name $2=kind $3=CN $4=SAN $5=ca-name $6=notBefore $7=notAfter (YYYYMMDDHHMMSSZ); P-256 key
  csr "$1" p256 "$3"
  ext "$2" "$4" > "$TMP/$1.ext"
  local db="$TMP/ca-db-$1"; mkdir -p "$db"; : > "$db/index.txt"; openssl rand -hex 16 > "$db/serial"
  printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\nnew_certs_dir=%s\nserial=%s/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n' \
      "$db" "$db" "$db" > "$db/ca.cnf"
  openssl ca -batch -notext -config "$db/ca.cnf" -cert "$5.pem" -keyfile "$5.key" -in "$TMP/$1.csr" -out "$1.pem" \
      -startdate "$6" -enddate "$7" -extfile "$TMP/$1.ext" 2>/dev/null
}

for alg in p256 p384 rsa ed25519; do
  mkca   ca-$alg                "$alg" "Interop CA ($alg)"
  mkleaf server-$alg "$alg" server localhost "DNS:localhost,IP:127.0.0.1" ca-$alg "$alg"
  mkleaf client-$alg "$alg" client client-$alg "URI:spiffe://interop.test/client-$alg" ca-$alg "$alg"
done

# RSA-PSS keys (id-RSASSA-PSS SubjectPublicKeyInfo): they sign only with rsa_pss_pss_* (RFC 8446 §4.2.3).
mkleaf server-rsapss rsapss server localhost "DNS:localhost,IP:127.0.0.1" ca-rsa rsa
mkleaf client-rsapss rsapss client client-rsapss "URI:spiffe://interop.test/client-rsapss" ca-rsa rsa

mkca   untrusted-ca p256 "Untrusted Interop CA"
mkleaf client-untrusted p256 client client-untrusted "URI:spiffe://interop.test/client-untrusted" untrusted-ca p256
mkleaf server-untrusted p256 server localhost "DNS:localhost,IP:127.0.0.1" untrusted-ca p256

past_start=$(date -u -d '30 days ago' +%Y%m%d%H%M%SZ)
past_end=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
mkbackdated server-expired server localhost "DNS:localhost,IP:127.0.0.1" ca-p256 "$past_start" "$past_end"
mkbackdated client-expired client client-expired "URI:spiffe://interop.test/client-expired" ca-p256 "$past_start" "$past_end"
mkleaf server-wrongname p256 server wrong.example "DNS:wrong.example" ca-p256 p256

mkleaf intermediate-ca p256 intermediate "Interop Intermediate CA" "" ca-p256 p256
mkleaf server-chained p256 server localhost "DNS:localhost,IP:127.0.0.1" intermediate-ca p256
mkleaf client-chained p256 client client-chained "URI:spiffe://interop.test/client-chained" intermediate-ca p256
cat intermediate-ca.pem >> server-chained.pem
cat intermediate-ca.pem >> client-chained.pem

mkocsp() { # $1=out $2=status line (V or R entry) for server-p256 in an `openssl ocsp -index` database
  printf '%s\n' "$2" > "$TMP/ocsp-index.txt"
  openssl ocsp -index "$TMP/ocsp-index.txt" -rsigner ca-p256.pem -rkey ca-p256.key -CA ca-p256.pem -issuer ca-p256.pem \
      -cert server-p256.pem -no_nonce -ndays 1 -respout "$1" >/dev/null 2>&1
}
serial=$(openssl x509 -in server-p256.pem -noout -serial | cut -d= -f2)
ocsp_expiry=$(date -u -d '+1 year' +%y%m%d%H%M%SZ)
mkocsp ocsp-server-p256-good.der "$(printf 'V\t%s\t\t%s\tunknown\t/CN=localhost' "$ocsp_expiry" "$serial")"
mkocsp ocsp-server-p256-revoked.der "$(printf 'R\t%s\t%s\t%s\tunknown\t/CN=localhost' "$ocsp_expiry" "$(date -u -d '1 hour ago' +%y%m%d%H%M%SZ)" "$serial")"

# Self-check: the good leaves verify, the negative ones fail for the intended reason.
for alg in p256 p384 rsa ed25519; do
  openssl verify -CAfile ca-$alg.pem -purpose sslserver server-$alg.pem >/dev/null
  openssl verify -CAfile ca-$alg.pem -purpose sslclient client-$alg.pem >/dev/null
done
openssl verify -CAfile ca-p256.pem -verify_hostname localhost server-p256.pem >/dev/null
openssl verify -CAfile ca-rsa.pem -purpose sslserver server-rsapss.pem >/dev/null
openssl verify -CAfile ca-rsa.pem -purpose sslclient client-rsapss.pem >/dev/null
openssl verify -CAfile ca-p256.pem -untrusted intermediate-ca.pem -purpose sslserver server-chained.pem >/dev/null
openssl verify -CAfile ca-p256.pem -untrusted intermediate-ca.pem -purpose sslclient client-chained.pem >/dev/null
! openssl verify -CAfile ca-p256.pem server-expired.pem >/dev/null 2>&1
! openssl verify -CAfile ca-p256.pem client-untrusted.pem >/dev/null 2>&1
! openssl verify -CAfile ca-p256.pem -verify_hostname localhost server-wrongname.pem >/dev/null 2>&1
openssl ocsp -respin ocsp-server-p256-good.der -resp_text -noverify 2>/dev/null | grep -q "Cert Status: good"
openssl ocsp -respin ocsp-server-p256-revoked.der -resp_text -noverify 2>/dev/null | grep -q "Cert Status: revoked"
echo "interop PKI written to $(pwd)"
