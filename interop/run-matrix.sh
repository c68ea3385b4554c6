#!/usr/bin/env bash
# The OpenSSL interop matrix, by hand, against the built CLI (tlsengine server|client) and real openssl processes on
# 127.0.0.1. Prints one PASS/FAIL line per case and a summary; exits non-zero if any case failed.
#
# Usage: interop/run-matrix.sh [--full] [--jobs N] [--keep]
#   --full     the whole cross product: 3 groups x 3 suites x 4 server keys x 4 client keys x 2 directions (288 cases)
#              (default: group x suite with P-256 certificates, plus every server-key x client-key pair with the
#              default group and suite, each in both directions: 48 cases)
#   --jobs N   cases run concurrently (default 2)
#   --keep     keep the work directory (logs, traces, PKI) and print its path
# Environment: TLSENGINE_CLI  command that runs the CLI (default: dotnet src/Cli/bin/Release/net10.0/TlsEngine.Cli.dll,
#              built with `dotnet build src/Cli -c Release` if missing)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FULL=0; JOBS=2; KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --full) FULL=1 ;;
    --jobs) JOBS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v openssl >/dev/null || { echo "openssl is not installed" >&2; exit 2; }

if [ -n "${TLSENGINE_CLI:-}" ]; then
  CLI=$TLSENGINE_CLI
else
  DLL="$ROOT/src/Cli/bin/Release/net10.0/TlsEngine.Cli.dll"
  if [ ! -f "$DLL" ]; then
    echo "building the CLI (Release)..."
    dotnet build "$ROOT/src/Cli" -c Release -nologo -v q >/dev/null || { echo "CLI build failed" >&2; exit 2; }
  fi
  CLI="dotnet $DLL"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/interop-matrix.XXXXXX")
PIDS_FILE=$WORK/pids
cleanup() {
  # Kill only the processes this script started (recorded by pid), then remove the work directory.
  if [ -f "$PIDS_FILE" ]; then while read -r p; do kill "$p" 2>/dev/null; done < "$PIDS_FILE"; fi
  if [ "$KEEP" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PKI=$WORK/pki
bash "$ROOT/interop/gen-certs.sh" "$PKI" >"$WORK/gen-certs.log" 2>&1 || { cat "$WORK/gen-certs.log"; echo "PKI generation failed" >&2; exit 2; }

# ---- helpers -------------------------------------------------------------------------------------------------------
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
listening() { [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }
# wait_for FILE TEXT [SECONDS]: poll until FILE contains TEXT (a readiness check, bounded).
wait_for() { local i; for ((i = 0; i < ${3:-10} * 20; i++)); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
wait_size() { local i; for ((i = 0; i < ${3:-20} * 20; i++)); do [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0; sleep 0.05; done; return 1; }
# wait_exit PID [SECONDS]: wait for a background process to end; kill it when the time is up.
wait_exit() { local i; for ((i = 0; i < ${2:-10} * 20; i++)); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return $?; }; sleep 0.05; done; kill "$1" 2>/dev/null; return 124; }
track() { echo "$1" >> "$PIDS_FILE"; }

group_trace_code() { case "$1" in X25519) echo 29 ;; P-256) echo 23 ;; P-384) echo 24 ;; esac; }
group_temp_key() { case "$1" in X25519) echo "Server Temp Key: X25519" ;; P-256) echo "Server Temp Key: ECDH, prime256v1" ;; P-384) echo "Server Temp Key: ECDH, secp384r1" ;; esac; }
sig_type() { case "$1" in p256|p384) echo ECDSA ;; rsa) echo RSA-PSS ;; ed25519) echo ed25519 ;; esac; }

# A case runs in its own directory; it prints nothing and reports through its exit status and $d/why.
fail() { echo "$*" >> "$d/why"; }

# our CLI server + openssl s_client. $1 name $2 group $3 suite $4 server key $5 client key; rest: s_client extras
# (server extras in SRV_EXTRA). Checks negotiation on both ends and a line each way.
case_cli_server() {
  local name=$1 g=$2 s=$3 sk=$4 ck=$5; shift 5
  d=$WORK/$name; mkdir -p "$d"; mkfifo "$d/srv.in" "$d/cl.in"
  exec {srvin}<>"$d/srv.in" {clin}<>"$d/cl.in"
  $CLI server --port 0 --naccept 1 --cert "$PKI/server-$sk.pem" --key "$PKI/server-$sk.key" --ca "$PKI/ca-$ck.pem" \
      --require-client-cert ${SRV_EXTRA:-} <"$d/srv.in" >"$d/srv.out" 2>"$d/srv.err" {srvin}>&- {clin}>&- &
  local srv=$!; track $srv
  wait_for "$d/srv.err" "listening on" 15 || { fail "CLI server did not start"; return 1; }
  local port; port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$d/srv.err" | head -1)
  timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca-$sk.pem" -verify_return_error \
      -servername localhost -verify_hostname localhost -cert "$PKI/client-$ck.pem" -key "$PKI/client-$ck.key" \
      -groups "$g" -ciphersuites "$s" -trace -msgfile "$d/sc.trace" "$@" <"$d/cl.in" >"$d/sc.out" 2>&1 {srvin}>&- {clin}>&- &
  local cl=$!; track $cl
  if wait_for "$d/srv.err" "handshake: " 10; then
    echo "from-cli-$name" >&$srvin
    wait_for "$d/sc.out" "from-cli-$name" || fail "s_client did not print the CLI's line"
    echo "from-openssl-$name" >&$clin
    wait_for "$d/srv.out" "from-openssl-$name" || fail "the CLI server did not print s_client's line"
  else
    fail "the CLI server reported no handshake: $(tail -n 2 "$d/srv.err")"
  fi
  exec {clin}>&-        # end of s_client's input: it sends close_notify and exits
  wait_exit $cl 10 || fail "s_client exit status $?"
  exec {srvin}>&-
  wait_exit $srv 10 || fail "CLI server exit status $?"
  grep -q "Verification: OK" "$d/sc.out" && grep -q "Verify return code: 0 (ok)" "$d/sc.out" || fail "s_client did not verify our server"
  grep -q "Cipher is $s" "$d/sc.out" || fail "s_client: not 'Cipher is $s'"
  grep -q "$(group_temp_key "$g")" "$d/sc.out" || fail "s_client: not '$(group_temp_key "$g")'"
  grep -qi "Peer signature type: $(sig_type "$sk")" "$d/sc.out" || fail "s_client: peer signature type is not $(sig_type "$sk")"
  grep -q "handshake: TLSv1.3, $s, $g," "$d/srv.err" || fail "CLI server: not 'handshake: TLSv1.3, $s, $g'"
  grep -q "SPIFFE ID spiffe://interop.test/client-$ck" "$d/srv.err" || fail "CLI server: client SPIFFE ID missing"
  [ ! -s "$d/why" ]
}

# our CLI client + openssl s_server. $1 name $2 group $3 suite $4 server key $5 client key; rest: s_server extras
# (client extras in CLI_EXTRA).
case_cli_client() {
  local name=$1 g=$2 s=$3 sk=$4 ck=$5; shift 5
  d=$WORK/$name; mkdir -p "$d"; mkfifo "$d/srv.in" "$d/cl.in"
  exec {srvin}<>"$d/srv.in" {clin}<>"$d/cl.in"
  local port srv attempt
  for attempt in 1 2 3; do
    port=$(freeport)
    timeout 30 openssl s_server -accept "127.0.0.1:$port" -tls1_3 -naccept 1 -cert "$PKI/server-$sk.pem" -key "$PKI/server-$sk.key" \
        -CAfile "$PKI/ca-$ck.pem" -Verify 1 -verify_return_error -trace -msgfile "$d/ss.trace" "$@" <"$d/srv.in" >"$d/ss.out" 2>&1 {srvin}>&- {clin}>&- &
    srv=$!; track $srv
    wait_for "$d/ss.out" "ACCEPT" 10 && break
    grep -q "in use" "$d/ss.out" || { fail "s_server did not start: $(tail -n 2 "$d/ss.out")"; return 1; }
  done
  local groups=$g; [ "$g" = "-" ] && groups=""
  $CLI client --connect "127.0.0.1:$port" --servername localhost --cert "$PKI/client-$ck.pem" --key "$PKI/client-$ck.key" \
      --ca "$PKI/ca-$sk.pem" ${groups:+--groups "$groups"} --ciphersuites "$s" ${CLI_EXTRA:-} <"$d/cl.in" >"$d/cl.out" 2>"$d/cl.err" {srvin}>&- {clin}>&- &
  local cl=$!; track $cl
  if wait_for "$d/cl.err" "handshake: " 15; then
    echo "from-cli-$name" >&$clin
    wait_for "$d/ss.out" "from-cli-$name" || fail "s_server did not print the CLI's line"
    echo "from-openssl-$name" >&$srvin
    wait_for "$d/cl.out" "from-openssl-$name" || fail "the CLI client did not print s_server's line"
  else
    fail "the CLI client reported no handshake: $(tail -n 2 "$d/cl.err")"
  fi
  exec {clin}>&-        # end of the CLI's input: it sends close_notify, s_server answers and exits (-naccept 1)
  wait_exit $cl 10 || fail "CLI client exit status $?"
  wait_exit $srv 10 || fail "s_server exit status $?"
  exec {srvin}>&-
  grep -q "Verification: OK" "$d/cl.err" || fail "CLI client did not verify s_server"
  grep -q "CIPHER is $s" "$d/ss.out" || fail "s_server: not 'CIPHER is $s'"
  [ "$g" = "-" ] || awk '/ServerHello/{f=1} f&&/NamedGroup/{print; exit}' "$d/ss.trace" | grep -q "($(group_trace_code "$g"))" \
      || fail "s_server trace: ServerHello group is not $g"
  grep -q "subject=CN = client-$ck" "$d/ss.out" || fail "s_server did not print our client certificate"
  grep -qi "Peer signature type: $(sig_type "$ck")" "$d/ss.out" || fail "s_server: peer signature type is not $(sig_type "$ck")"
  [ "$g" = "-" ] || grep -q "handshake: TLSv1.3, $s, $g," "$d/cl.err" || fail "CLI client: not 'handshake: TLSv1.3, $s, $g'"
  [ ! -s "$d/why" ]
}

# our CLI server refuses s_client: $1 name $2 expected alert name (ours) $3 openssl text; rest: s_client cert flags
case_cli_server_refuses() {
  local name=$1 ours=$2 theirs=$3; shift 3
  d=$WORK/$name; mkdir -p "$d"; mkfifo "$d/srv.in" "$d/cl.in"
  exec {srvin}<>"$d/srv.in" {clin}<>"$d/cl.in"
  $CLI server --port 0 --naccept 1 --cert "$PKI/server-p256.pem" --key "$PKI/server-p256.key" --ca "$PKI/ca-p256.pem" \
      --require-client-cert <"$d/srv.in" >"$d/srv.out" 2>"$d/srv.err" {srvin}>&- {clin}>&- &
  local srv=$!; track $srv
  wait_for "$d/srv.err" "listening on" 15 || { fail "CLI server did not start"; return 1; }
  local port; port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$d/srv.err" | head -1)
  timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca-p256.pem" -verify_return_error \
      -servername localhost "$@" <"$d/cl.in" >"$d/sc.out" 2>&1 {srvin}>&- {clin}>&- &
  local cl=$!; track $cl
  wait_exit $cl 10 && fail "s_client exited 0 although refused"
  exec {clin}>&- {srvin}>&-
  wait_exit $srv 10 || fail "CLI server exit status $?"
  grep -q "handshake failed: $ours" "$d/srv.err" || fail "CLI server did not report $ours: $(grep -m1 'handshake' "$d/srv.err")"
  grep -qi "$theirs" "$d/sc.out" || fail "s_client did not report '$theirs'"
  [ ! -s "$d/why" ]
}

# our CLI client refuses s_server: $1 name $2 server cert base name $3 expected alert name (ours) $4 openssl text
case_cli_client_refuses() {
  local name=$1 cert=$2 ours=$3 theirs=$4
  d=$WORK/$name; mkdir -p "$d"; mkfifo "$d/srv.in"
  exec {srvin}<>"$d/srv.in"
  local port srv
  port=$(freeport)
  timeout 30 openssl s_server -accept "127.0.0.1:$port" -tls1_3 -naccept 1 -cert "$PKI/$cert.pem" -key "$PKI/$cert.key" \
      -CAfile "$PKI/ca-p256.pem" -Verify 1 -verify_return_error <"$d/srv.in" >"$d/ss.out" 2>&1 {srvin}>&- &
  srv=$!; track $srv
  wait_for "$d/ss.out" "ACCEPT" 10 || { fail "s_server did not start"; return 1; }
  timeout 20 $CLI client --connect "127.0.0.1:$port" --servername localhost --cert "$PKI/client-p256.pem" \
      --key "$PKI/client-p256.key" --ca "$PKI/ca-p256.pem" </dev/null >"$d/cl.out" 2>"$d/cl.err" {srvin}>&- && fail "the CLI client exited 0 although it should refuse"
  wait_exit $srv 10
  exec {srvin}>&-
  grep -q "TLS failure: $ours" "$d/cl.err" || fail "CLI client did not report $ours: $(head -n 1 "$d/cl.err")"
  grep -qi "$theirs" "$d/ss.out" || fail "s_server did not report '$theirs'"
  [ ! -s "$d/why" ]
}

# 10 MiB each way between our CLI client and s_server -quiet, compared by SHA-256.
case_cli_bulk() {
  local name=$1
  d=$WORK/$name; mkdir -p "$d"
  local size=$((10 * 1024 * 1024))
  head -c $size /dev/urandom >"$d/up.bin"; head -c $size /dev/urandom >"$d/down.bin"
  mkfifo "$d/srv.in"; exec {srvin}<>"$d/srv.in"
  local port srv feeder; port=$(freeport)
  timeout 60 openssl s_server -quiet -accept "127.0.0.1:$port" -tls1_3 -naccept 1 \
      -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -CAfile "$PKI/ca-p256.pem" -Verify 1 -verify_return_error \
      <"$d/srv.in" >"$d/ss.out" 2>"$d/ss.err" {srvin}>&- &
  srv=$!; track $srv
  cat "$d/down.bin" >&$srvin &   # s_server sends its input once connected; the fifo stays open (no end of input)
  feeder=$!; track $feeder
  local i; for ((i = 0; i < 200; i++)); do listening "$port" && break; sleep 0.05; done
  local start; start=$(date +%s%N)
  # The CLI's input: the upload, then (kept open) until the whole download arrived; its end makes the CLI close.
  { cat "$d/up.bin"; wait_size "$d/cl.out" $size 30; } | timeout 60 $CLI client --connect "127.0.0.1:$port" \
      --servername localhost --cert "$PKI/client-p256.pem" --key "$PKI/client-p256.key" --ca "$PKI/ca-p256.pem" \
      >"$d/cl.out" 2>"$d/cl.err" {srvin}>&- || fail "CLI client exit status $?"
  local end; end=$(date +%s%N)
  wait_exit $srv 10 || fail "s_server exit status $?"
  kill $feeder 2>/dev/null; exec {srvin}>&-
  [ "$(sha256sum <"$d/up.bin")" = "$(sha256sum <"$d/ss.out")" ] || fail "upload differs ($(stat -c %s "$d/ss.out") bytes arrived)"
  [ "$(sha256sum <"$d/down.bin")" = "$(sha256sum <"$d/cl.out")" ] || fail "download differs ($(stat -c %s "$d/cl.out") bytes arrived)"
  echo "20 MiB in $(( (end - start) / 1000000 )) ms, including CLI start-up" >"$d/note"
  [ ! -s "$d/why" ]
}

# ---- the case list -------------------------------------------------------------------------------------------------
CASES=$WORK/cases
GROUPS_=(X25519 P-256 P-384)
SUITES=(TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256)
KEYS=(p256 p384 rsa ed25519)
{
  if [ "$FULL" = 1 ]; then
    for g in "${GROUPS_[@]}"; do for s in "${SUITES[@]}"; do for sk in "${KEYS[@]}"; do for ck in "${KEYS[@]}"; do
      echo "case_cli_server srv-$g-$s-$sk-$ck $g $s $sk $ck"
      echo "case_cli_client cli-$g-$s-$sk-$ck $g $s $sk $ck"
    done; done; done; done
  else
    for g in "${GROUPS_[@]}"; do for s in "${SUITES[@]}"; do
      echo "case_cli_server srv-$g-$s-p256-p256 $g $s p256 p256"
      echo "case_cli_client cli-$g-$s-p256-p256 $g $s p256 p256"
    done; done
    for sk in "${KEYS[@]}"; do for ck in "${KEYS[@]}"; do
      [ "$sk-$ck" = p256-p256 ] && continue   # already in the group x suite set
      echo "case_cli_server srv-X25519-TLS_AES_128_GCM_SHA256-$sk-$ck X25519 TLS_AES_128_GCM_SHA256 $sk $ck"
      echo "case_cli_client cli-X25519-TLS_AES_128_GCM_SHA256-$sk-$ck X25519 TLS_AES_128_GCM_SHA256 $sk $ck"
    done; done
  fi
  # HelloRetryRequest both ways: the first key share is X25519, the server wants P-384.
  echo "SRV_EXTRA='--groups P-384' case_cli_server hrr-cli-server P-384 TLS_AES_128_GCM_SHA256 p256 p256 -groups X25519:P-384"
  echo "CLI_EXTRA='--groups X25519:P-384' case_cli_client hrr-cli-client - TLS_AES_128_GCM_SHA256 p256 p256 -groups P-384"
  # KeyUpdate requested by our CLI client; s_server must answer.
  echo "CLI_EXTRA=--keyupdate case_cli_client keyupdate-cli-client X25519 TLS_AES_128_GCM_SHA256 p256 p256"
  # Refusals, with the alert on both ends.
  echo "case_cli_server_refuses no-client-cert certificate_required 'alert certificate required'"
  echo "case_cli_server_refuses unknown-ca-client unknown_ca 'alert unknown ca' -cert $PKI/client-untrusted.pem -key $PKI/client-untrusted.key"
  echo "case_cli_server_refuses expired-client certificate_expired 'alert certificate expired' -cert $PKI/client-expired.pem -key $PKI/client-expired.key"
  echo "case_cli_client_refuses expired-server server-expired certificate_expired 'alert certificate expired'"
  echo "case_cli_client_refuses wrong-name-server server-wrongname bad_certificate 'alert bad certificate'"
  echo "case_cli_client_refuses unknown-ca-server server-untrusted unknown_ca 'alert unknown ca'"
  echo "case_cli_bulk bulk-10MiB-each-way"
} >"$CASES"

# Extra checks for the special cases, after the generic ones.
post_check() {
  local name=$1; d=$WORK/$name
  case "$name" in
    hrr-cli-server) grep -q "after HelloRetryRequest" "$d/srv.err" || fail "CLI server did not report a HelloRetryRequest"
                    [ "$(grep -c 'ClientHello, Length' "$d/sc.trace")" = 2 ] || fail "s_client did not send two ClientHellos" ;;
    hrr-cli-client) grep -q "P-384, .*after HelloRetryRequest" "$d/cl.err" || fail "CLI client did not report P-384 after a HelloRetryRequest"
                    [ "$(grep -c 'ClientHello, Length' "$d/ss.trace")" = 2 ] || fail "s_server did not receive two ClientHellos" ;;
    keyupdate-cli-client)
                    grep -A1 "KeyUpdate, Length" "$d/ss.trace" | grep -q "update_requested (1)" || fail "s_server received no update_requested KeyUpdate"
                    grep -A1 "KeyUpdate, Length" "$d/ss.trace" | grep -q "update_not_requested (0)" || fail "s_server sent no KeyUpdate answer" ;;
  esac
  [ ! -s "$d/why" ]
}

run_one() { # $1: the case line
  local line=$1 name
  name=$(eval "set -- ${line#*case_}; echo \$2")
  d=$WORK/$name
  if (eval "$line") >/dev/null 2>&1 && post_check "$name"; then
    local note=""; [ -f "$d/note" ] && note=" ($(cat "$d/note"))"
    echo "PASS $name$note"
  else
    echo "FAIL $name: $(tr '\n' ';' <"$d/why" 2>/dev/null)"
  fi
}

START=$(date +%s)
RESULTS=$WORK/results
: >"$RESULTS"
running=0
while IFS= read -r line; do
  { run_one "$line" | tee -a "$RESULTS"; } &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done <"$CASES"
wait
pass=$(grep -c '^PASS' "$RESULTS"); failed=$(grep -c '^FAIL' "$RESULTS")
echo "interop matrix: $pass passed, $failed failed, $((pass + failed)) cases in $(( $(date +%s) - START )) s"
[ "$failed" = 0 ] && [ "$pass" -gt 0 ]
