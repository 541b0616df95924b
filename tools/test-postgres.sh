#!/usr/bin/env bash
# A private PostgreSQL server for the test suite.
#
#   tools/test-postgres.sh start DIR   create a cluster under DIR, start it on a
#                                      free localhost port, create the database
#                                      antra_test, print its URL (also in DIR/url)
#   tools/test-postgres.sh stop DIR    stop the server and delete the cluster
#
# The server listens on 127.0.0.1 only and asks for a password (SCRAM), so
# the tests can check that a refused login is reported properly. As root the
# server runs as the "postgres" user (initdb refuses root); otherwise as the
# current user. ctest runs start/stop as a fixture around the PostgreSQL tests.
set -euo pipefail

cmd="${1:-}"
dir="${2:-build/test-postgres}"
[ -n "$cmd" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "test-postgres: PostgreSQL server binaries not found (Debian package postgresql)" >&2; exit 1; }

as_server=()
if [ "$(id -u)" -eq 0 ]; then
  as_server=(runuser -u postgres --)
fi

# The cluster lives in a private folder the server user owns: under DIR for a
# normal user, under /tmp for root (postgres may not be able to reach DIR).
data_dir_file="$dir/datadir"

stop_server() {
  [ -f "$data_dir_file" ] || return 0
  local data
  data="$(cat "$data_dir_file")"
  if [ -f "$data/postmaster.pid" ]; then
    "${as_server[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$(dirname "$data")"
  rm -f "$data_dir_file" "$dir/url" "$dir/port"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
  start)
    stop_server
    if [ "${#as_server[@]}" -gt 0 ]; then
      base="$(mktemp -d /tmp/antra-test-postgres.XXXXXX)"
      chown postgres "$base"
    else
      base="$(mktemp -d "$dir/cluster.XXXXXX")"
    fi
    chmod 700 "$base"
    data="$base/data"
    echo "$data" > "$data_dir_file"
    password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
    printf '%s\n' "$password" > "$base/pwfile"
    [ "${#as_server[@]}" -gt 0 ] && chown postgres "$base/pwfile"
    "${as_server[@]}" "$bin/initdb" -D "$data" -U antra --auth=scram-sha-256 --pwfile="$base/pwfile" \
      -E UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1 \
      || { cat "$base/initdb.log" >&2; exit 1; }
    rm -f "$base/pwfile"
    port=""
    for candidate in $(seq 55432 55531); do
      if ! port_in_use "$candidate"; then port="$candidate"; break; fi
    done
    [ -n "$port" ] || { echo "test-postgres: no free port in 55432-55531" >&2; exit 1; }
    "${as_server[@]}" "$bin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $base -c fsync=off" start >/dev/null \
      || { cat "$base/server.log" >&2; exit 1; }
    PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U antra -d postgres \
      -c "CREATE DATABASE antra_test" >/dev/null
    url="postgresql://antra:$password@127.0.0.1:$port/antra_test"
    echo "$port" > "$dir/port"
    (umask 077; echo "$url" > "$dir/url")
    echo "$url"
    ;;
  stop)
    stop_server
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
