#!/usr/bin/env bash
# miniredis and minisentinel as a shell script (or a CI job) runs them:
# in the background, stdin /dev/null or closed, SIGINT ignored as a
# non-interactive shell leaves it for background jobs. Each must print its
# JSON line, keep serving every address it printed, and end with status 0
# on SIGTERM or SIGINT. Also: --opt=value and --opt value, --help,
# --version, usage errors (status 2), --control on stdin, and JSON that
# stays valid for names with quotes, control characters or invalid UTF-8.
#   tools_shell_test.sh path/to/miniredis path/to/minisentinel
set -euo pipefail
miniredis=$1
minisentinel=$2
python=/usr/bin/python3
[ -x $python ] || python=python3
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# start NAME STDIN ARGS...: runs the tool in the background with the given
# stdin ("null" or "closed"), its stdout on a FIFO; sets $pid and $line
# (its first line, read as soon as it is written).
start() {
  local tool=$1 input=$2
  shift 2
  local fifo="$dir/out.$RANDOM"
  mkfifo "$fifo"
  if [ "$input" = closed ]; then
    "$tool" "$@" <&- >"$fifo" &
  else
    "$tool" "$@" </dev/null >"$fifo" &
  fi
  pid=$!
  pids+=("$pid")
  line=""
  IFS= read -r -t 30 line <"$fifo" || true
  [ -n "$line" ] || fail "$(basename "$tool") $* printed no line"
}

# json EXPR: evaluates a Python expression on $line parsed as JSON (j).
json() { $python -c 'import json, sys; j = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$line" "$1"; }

# resp HOST:PORT REQUEST: sends one inline request on a new connection and
# prints its reply, one line per value (\r removed; arrays one level deep,
# as Sentinel's replies are).
resp() {
  local host=${1%:*} port=${1##*:} fd
  exec {fd}<>"/dev/tcp/$host/$port" || return 1
  printf '%s\r\n' "$2" >&$fd
  readValue "$fd" 1
  exec {fd}>&-
}
readValue() {  # fd, whether an array may be read
  local l n i
  IFS= read -r -t 10 l <&"$1" || return 1
  l=${l%$'\r'}
  case $l in
    \$-1) echo "(nil)" ;;
    \$*) IFS= read -r -t 10 l <&"$1" || return 1; echo "${l%$'\r'}" ;;
    \**) n=${l#\*}
         [ "$2" = 1 ] || { echo "$l"; return; }
         for ((i = 0; i < n; i++)); do readValue "$1" 0 || return 1; done ;;
    *) echo "$l" ;;
  esac
}

# stop PID SIGNAL: the tool must end with status 0.
stop() {
  kill -"$2" "$1"
  local rc=0
  wait "$1" || rc=$?
  [ $rc -eq 0 ] || fail "exit status $rc after SIG$2"
}

# ---- miniredis ----
for input in null closed; do
  for sig in TERM INT; do
    start "$miniredis" $input
    addr=$(json 'j["addr"]')
    [ "$(json 'j["pid"]')" = "$pid" ] || fail "miniredis pid in $line"
    [ "$(resp "$addr" PING)" = "+PONG" ] || fail "miniredis at $addr (stdin $input) does not answer PING"
    [ "$(resp "$addr" "SET k v")" = "+OK" ] || fail "miniredis SET"
    kill -0 "$pid" || fail "miniredis (stdin $input) ended by itself"
    stop "$pid" $sig
  done
done
start "$miniredis" null --requirepass=pw --host 127.0.0.1
[ "$(resp "$(json 'j["addr"]')" "GET k")" = "-NOAUTH Authentication required." ] || fail "--requirepass=pw"
stop "$pid" TERM

# ---- minisentinel ----
start "$minisentinel" null --replicas=2 --sentinels 3 --failover-timeout-ms=60000 --down-after-ms 5000
[ "$(json 'j["name"]')" = mymaster ] || fail "name in $line"
[ "$(json 'len(j["replicas"])')" = 2 ] || fail "two replicas in $line"
[ "$(json 'len(j["sentinels"])')" = 3 ] || fail "three Sentinels in $line"
master=$(json 'j["master"]')
for a in $master $(json '" ".join(j["replicas"] + j["sentinels"])'); do
  [ "$(resp "$a" PING)" = "+PONG" ] || fail "minisentinel: $a does not answer PING"
done
for s in $(json '" ".join(j["sentinels"])'); do
  got=$(resp "$s" "SENTINEL get-master-addr-by-name mymaster" | paste -sd:)
  [ "$got" = "$master" ] || fail "Sentinel $s names $got, not $master"
  # The knobs reached every Sentinel.
  cfg=$(resp "$s" "SENTINEL master mymaster" | paste -d' ' - -)
  grep -qx 'failover-timeout 60000' <<<"$cfg" || fail "Sentinel $s: failover-timeout is not 60000: $cfg"
  grep -qx 'down-after-milliseconds 5000' <<<"$cfg" || fail "Sentinel $s: down-after-milliseconds is not 5000"
done
kill -0 "$pid" || fail "minisentinel ended by itself"
stop "$pid" INT

start "$minisentinel" closed --replicas 0 --sentinels 1
[ "$(resp "$(json 'j["sentinels"][0]')" PING)" = "+PONG" ] || fail "minisentinel (stdin closed) Sentinel"
stop "$pid" TERM

# Names that need escaping still make valid JSON.
name=$'my"ma\\ster\x01\xff'
start "$minisentinel" null --sentinels 1 --replicas 0 --name "$name"
[ "$(json 'j["name"] == "my\"ma\\ster\x01\ufffd"')" = True ] || fail "escaped name: $line"
stop "$pid" TERM

# --control: commands on stdin, one JSON line each, and the end of stdin ends it.
out=$(printf 'master\nnonsense\nrestart \xff"x\n' | "$minisentinel" --control --sentinels 1 --replicas 0)
[ "$(wc -l <<<"$out")" = 4 ] || fail "--control answered: $out"
line=$(sed -n 1p <<<"$out"); m=$(json 'j["master"]')
line=$(sed -n 2p <<<"$out"); [ "$(json 'j["master"]')" = "$m" ] || fail "control 'master': $line"
line=$(sed -n 3p <<<"$out"); [ "$(json 'j["error"]')" = "unknown command 'nonsense'" ] || fail "control error: $line"
line=$(sed -n 4p <<<"$out"); [ "$(json 'j["error"] == "no node or Sentinel at \ufffd\"x"')" = True ] || fail "control bytes: $line"

# ---- options ----
for tool in "$miniredis" "$minisentinel"; do
  t=$(basename "$tool")
  "$tool" --help | grep -q "^Usage: $t" || fail "$t --help"
  [[ $("$tool" --version) =~ ^$t\ \(sentinelpool\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$t --version"
done
"$minisentinel" --help | grep -q -- '--failover-timeout-ms' || fail "minisentinel --help lists --failover-timeout-ms"
for bad in "--port x" "--port=70000" "--nope" "--port"; do
  rc=0; "$miniredis" $bad </dev/null >/dev/null 2>&1 || rc=$?
  [ $rc -eq 2 ] || fail "miniredis $bad: status $rc, not 2"
done
for bad in "--replicas=-1" "--timing fast" "--name=" "--failover-timeout-ms 0" "--check-period-ms=0" "--sentinels"; do
  rc=0; "$minisentinel" $bad </dev/null >/dev/null 2>&1 || rc=$?
  [ $rc -eq 2 ] || fail "minisentinel $bad: status $rc, not 2"
done
echo "ok"
