#!/usr/bin/env bash
# Record seeds for the engine and message targets from real OpenSSL peers (loopback only):
#   fuzz/corpus/server  what `openssl s_client` (many option combinations) sends to our deterministic server
#   fuzz/corpus/client  what `openssl s_server` (many option combinations) sends to our deterministic client
# and every handshake message of those flights into the message targets' folders. Our side runs with the engine
# targets' exact setup (EngineSetup), so each recording replays offline through its target.
# Usage: fuzz/capture-openssl.sh        (needs openssl; files are named by content hash, re-running adds only new ones)
set -euo pipefail
cd "$(dirname "$0")"
dotnet build TlsEngine.Fuzz -c Debug --nologo -v quiet >/dev/null
tool=(dotnet TlsEngine.Fuzz/bin/Debug/net10.0/TlsEngine.Fuzz.dll)
pki=pki corpus=corpus port=${PORT:-24433}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
save() { # $1=target $2=file: content-hash name, as the seed tools do
  [ -s "$2" ] || return 0
  mkdir -p "$corpus/$1"; cp "$2" "$corpus/$1/$(sha256sum "$2" | cut -c1-16)"
}

# --- our server, openssl s_client -------------------------------------------------------------------------------------
client_cert=(-cert $pki/client-ed25519.pem -key $pki/client-ed25519.key -CAfile $pki/ca-ed25519.pem)
server_runs=(
  ""
  "-groups P-256" "-groups P-384" "-groups X448:X25519" "-groups P-521:P-256"
  "-ciphersuites TLS_AES_256_GCM_SHA384" "-ciphersuites TLS_CHACHA20_POLY1305_SHA256"
  "-no_middlebox" "-alpn h2,http/1.1" "-alpn spdy/1" "-status"
  "-sigalgs ed25519:ecdsa_secp256r1_sha256" "-tls1_2" "-maxfraglen 1024"
  "-record_padding 128" "-max_send_frag 512"
)
for opts in "${server_runs[@]}"; do
  timeout 20 "${tool[@]}" capture-server "$port" "$tmp/flight" "$corpus" 2>"$tmp/log" & pid=$!
  sleep 2
  (sleep 1; printf 'ping\n'; sleep 2) | timeout 10 openssl s_client -connect 127.0.0.1:$port -servername localhost \
      "${client_cert[@]}" $opts >/dev/null 2>&1 || true
  wait $pid || true
  echo "s_client $opts: $(tail -1 "$tmp/log")"
  save server "$tmp/flight"
done
# Resumption: a ticket from one connection offered in the next (our ticket keys derive from a fixed secret).
timeout 20 "${tool[@]}" capture-server "$port" "$tmp/flight" 2>/dev/null & pid=$!; sleep 2
(sleep 1; printf 'ping\n'; sleep 2) | timeout 10 openssl s_client -connect 127.0.0.1:$port -servername localhost "${client_cert[@]}" -sess_out "$tmp/sess" >/dev/null 2>&1 || true
wait $pid || true
timeout 20 "${tool[@]}" capture-server "$port" "$tmp/flight" "$corpus" 2>"$tmp/log" & pid=$!; sleep 2
(sleep 1; printf 'ping\n'; sleep 2) | timeout 10 openssl s_client -connect 127.0.0.1:$port -servername localhost "${client_cert[@]}" -sess_in "$tmp/sess" >/dev/null 2>&1 || true
wait $pid || true
echo "s_client -sess_in: $(tail -1 "$tmp/log")"; save server "$tmp/flight"

# --- our client, openssl s_server -------------------------------------------------------------------------------------
server_cert=(-cert $pki/server-ed25519.pem -key $pki/server-ed25519.key)
client_runs=(
  "" "-Verify 1 -CAfile $pki/ca-ed25519.pem" "-verify 1 -CAfile $pki/ca-ed25519.pem"
  "-groups P-256" "-groups P-384" "-ciphersuites TLS_AES_256_GCM_SHA384" "-ciphersuites TLS_CHACHA20_POLY1305_SHA256"
  "-alpn h2" "-num_tickets 0" "-num_tickets 4" "-no_middlebox" "-record_padding 256" "-max_send_frag 600"
  "-status_file $pki/ocsp-server-ed25519-good.der"
)
for opts in "${client_runs[@]}"; do
  (sleep 3; printf 'hello from s_server\n'; sleep 3) | timeout 12 openssl s_server -accept $port -naccept 1 \
      "${server_cert[@]}" $opts >/dev/null 2>&1 & pid=$!
  sleep 1
  "${tool[@]}" capture-client "$port" "$tmp/flight" "$corpus" 2>"$tmp/log" || true
  wait $pid || true
  echo "s_server $opts: $(tail -1 "$tmp/log")"
  save client "$tmp/flight"
done
