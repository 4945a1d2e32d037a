#!/bin/sh
# Runs the LuaOverMQ seed's Python connector (python3-zmq, python3-msgpack)
# against a purezmq RpcServer. Needs a build first: npx tsc -p tsconfig.test.json
# Usage (from the repository root): sh test/rpc/python/run.sh
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
fifo=$(mktemp -u "${TMPDIR:-/tmp}/purezmq-rpc-XXXXXX")
mkfifo "$fifo"
out=$(mktemp "${TMPDIR:-/tmp}/purezmq-rpc-out-XXXXXX")
# The server stops when its stdin (the fifo's writer, held by this shell) closes.
node "$root/build/test/rpc/python/serve.js" <"$fifo" >"$out" &
server=$!
exec 3>"$fifo"
cleanup() {
  exec 3>&-
  wait "$server" 2>/dev/null || true
  rm -f "$fifo" "$out"
}
trap cleanup EXIT
endpoint=""
tries=0
while [ -z "$endpoint" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then echo "server did not start" >&2; exit 1; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "server exited" >&2; exit 1; fi
  endpoint=$(head -n 1 "$out")
  [ -n "$endpoint" ] || sleep 0.1
done
echo "server at $endpoint"
# Debian's python3 is the one python3-zmq and python3-msgpack install into.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$root/test/rpc/python/seed_connector.py" "$endpoint"
