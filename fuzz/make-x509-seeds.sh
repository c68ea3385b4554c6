#!/usr/bin/env bash
# Seeds of the X.509-side targets from the fuzzing PKI (fuzz/pki, made by interop/gen-certs.sh) with openssl:
#   x509 (DER certificates), chain (option byte + DER chain), ocsp (openssl ocsp -respout), crl (openssl ca -gencrl),
#   pem (PEM files), der (certificates, names, responses and small hand-made TLVs).
# Also makes pki/ocsp-responder.{pem,key} (delegated OCSP signer) once. Usage: fuzz/make-x509-seeds.sh
set -euo pipefail
cd "$(dirname "$0")"
pki=pki corpus=corpus
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
save() { # $1=target, stdin: the seed, named by content hash
  mkdir -p "$corpus/$1"; cat > "$tmp/seed"; cp "$tmp/seed" "$corpus/$1/$(sha256sum "$tmp/seed" | cut -c1-16)"
}
der() { openssl x509 -in "$1" -outform DER; }
chain() { # $1=option byte, rest: PEM files (every certificate of each, in order)
  local opt=$1; shift
  { printf "\\x$(printf %02x "$opt")"; for f in "$@"; do
      awk '/BEGIN CERT/{n++} {print > "'"$tmp"'/c" n ".pem"}' "$f"
      for c in "$tmp"/c[0-9]*.pem; do der "$c"; done; rm -f "$tmp"/c[0-9]*.pem
    done; } | save chain
}

# x509 and der: every certificate of the PKI.
for f in $pki/*.pem; do
  [ "$(basename "$f")" = ocsp-responder.pem ] && continue
  der "$f" | save x509
done
for f in ca-p256 server-rsapss client-ed25519 server-chained; do der $pki/$f.pem | save der; done
openssl x509 -in $pki/server-p256.pem -noout -subject -nameopt RFC2253 >/dev/null
printf '\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00' | save der                          # AlgorithmIdentifier
printf '\x30\x1e\x17\x0d260101000000Z\x18\x0f20500101000000Z' | save der                                   # Validity
printf '\x30\x0c\x01\x01\xff\x02\x01\x00\x03\x02\x05\xa0\x0a\x01\x01' | save der                            # BOOLEAN, INTEGER, BIT STRING, ENUMERATED
printf '\xa0\x03\x02\x01\x02' | save der                                                                     # [0] EXPLICIT version

# chain: leaf first, intermediates after; option bits: 1 client purpose, 2 name localhost, 4 lenient, 8 explicit policy.
chain 2 $pki/server-p256.pem;      chain 0 $pki/server-ed25519.pem;  chain 2 $pki/server-rsapss.pem
chain 1 $pki/client-p384.pem;      chain 1 $pki/client-rsa.pem;      chain 3 $pki/client-chained.pem
chain 2 $pki/server-chained.pem;   chain 6 $pki/server-chained.pem $pki/ca-p256.pem
chain 2 $pki/server-expired.pem;   chain 2 $pki/server-wrongname.pem; chain 2 $pki/server-untrusted.pem $pki/untrusted-ca.pem
chain 8 $pki/server-p384.pem;      chain 0 $pki/ca-rsa.pem;          chain 0 $pki/intermediate-ca.pem $pki/server-chained.pem

# ocsp: responses about server-p256 from its CA and from a delegated responder, every status, with and without nonce.
if [ ! -f $pki/ocsp-responder.pem ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $pki/ocsp-responder.key
  openssl req -new -key $pki/ocsp-responder.key -subj "/CN=Fuzz OCSP Responder" -out "$tmp/r.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > "$tmp/r.ext"
  openssl x509 -req -in "$tmp/r.csr" -CA $pki/ca-p256.pem -CAkey $pki/ca-p256.key -CAcreateserial -CAserial "$tmp/srl" \
      -days 7300 -sha256 -extfile "$tmp/r.ext" -out $pki/ocsp-responder.pem 2>/dev/null
fi
serial=$(openssl x509 -in $pki/server-p256.pem -noout -serial | cut -d= -f2)
far=$(date -u -d '+20 years' +%y%m%d%H%M%SZ); past=$(date -u -d '1 hour ago' +%y%m%d%H%M%SZ)
openssl ocsp -issuer $pki/ca-p256.pem -cert $pki/server-p256.pem -reqout "$tmp/req-nonce.der" >/dev/null 2>&1
openssl ocsp -issuer $pki/ca-p256.pem -no_nonce -sha256 -cert $pki/server-p256.pem -reqout "$tmp/req-sha256.der" >/dev/null 2>&1
for status in "V	$far		$serial" "R	$far	$past,keyCompromise	$serial" "R	$far	$past	$serial"; do
  printf '%s\tunknown\t/CN=localhost\n' "$status" > "$tmp/index.txt"
  for signer in ca-p256 ocsp-responder; do
    for req in "" "-reqin $tmp/req-nonce.der" "-reqin $tmp/req-sha256.der"; do
      [ -n "$req" ] || req="-cert $pki/server-p256.pem"
      openssl ocsp -index "$tmp/index.txt" -rsigner $pki/$signer.pem -rkey $pki/$signer.key -CA $pki/ca-p256.pem \
          -issuer $pki/ca-p256.pem $req -ndays 1 -respout "$tmp/resp.der" >/dev/null 2>&1
      save ocsp < "$tmp/resp.der"
    done
  done
done
: > "$tmp/index.txt"   # serial not in the index: status unknown; -resp_key_id: responderID byKey
openssl ocsp -index "$tmp/index.txt" -rsigner $pki/ca-p256.pem -rkey $pki/ca-p256.key -CA $pki/ca-p256.pem \
    -issuer $pki/ca-p256.pem -cert $pki/server-p256.pem -resp_key_id -resp_no_certs -respout "$tmp/resp.der" >/dev/null 2>&1
save ocsp < "$tmp/resp.der"
printf '\x30\x03\x0a\x01\x03' | save ocsp   # tryLater
save ocsp < $pki/ocsp-server-p256-revoked.der
cp $pki/ocsp-server-p256-good.der "$tmp/o.der"; save der < "$tmp/o.der"

# crl: by the intermediate (issuer of server-chained's leaf) and by ca-p256 (issuer of the intermediate).
mkcrl() { # $1=CA name $2=extra index lines $3=extra openssl ca args
  local db="$tmp/db-$1"; mkdir -p "$db"; printf '%b' "$2" > "$db/index.txt"; echo 1000 > "$db/crlnumber"
  printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\ncrlnumber=%s/crlnumber\ndefault_md=sha256\ndefault_crl_days=3650\ncrl_extensions=ext\n[ext]\nauthorityKeyIdentifier=keyid\n' "$db" "$db" > "$db/ca.cnf"
  openssl ca -batch -config "$db/ca.cnf" -gencrl -cert $pki/$1.pem -keyfile $pki/$1.key $3 -out "$tmp/crl.pem" 2>/dev/null
  openssl crl -in "$tmp/crl.pem" -outform DER | save crl
  cp "$tmp/crl.pem" "$tmp/last-crl.pem"
}
leaf=$(openssl x509 -in $pki/server-chained.pem -noout -serial | cut -d= -f2)
inter=$(openssl x509 -in $pki/intermediate-ca.pem -noout -serial | cut -d= -f2)
mkcrl intermediate-ca "" ""
mkcrl intermediate-ca "R\t$far\t$past,keyCompromise\t$leaf\tunknown\t/CN=localhost\nR\t$far\t$past\t0A0B\tunknown\t/CN=other\n" ""
mkcrl intermediate-ca "R\t$far\t$past,certificateHold\t$leaf\tunknown\t/CN=localhost\n" "-crlhours 1"
mkcrl ca-p256 "" ""
mkcrl ca-p256 "R\t$far\t$past,cACompromise\t$inter\tunknown\t/CN=Interop Intermediate CA\n" ""

# pem: certificates, a bundle, a key and a CRL (other labels are skipped), text around blocks, bad base64.
cat $pki/server-p256.pem | save pem
cat $pki/server-chained.pem | save pem
cat $tmp/last-crl.pem | save pem
{ echo "Bag Attributes: text before"; cat $pki/client-ed25519.key $pki/ca-ed25519.pem; echo trailing text; } | save pem
sed '2s/^.\{4\}/!!!!/' $pki/ca-p256.pem | save pem
printf -- '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n' | save pem
printf -- '-----BEGIN X509 CRL-----\r\nMAA=\r\n-----END X509 CRL-----\r\n' | save pem
for t in x509 chain ocsp crl pem der; do echo "$t: $(ls $corpus/$t | wc -l) seeds"; done
