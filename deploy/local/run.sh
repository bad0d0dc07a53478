#!/usr/bin/env bash
# `make run`: serve the studio on http://localhost:8080 from the binaries
# `make build` put in bin/.
#
#   - PostgreSQL from the machine's binaries (initdb into .data/postgres on
#     first run, port DEV_PG_PORT=5433), unless DATABASE_URL is set;
#   - Redis (data in .data/redis, port DEV_REDIS_PORT=6380), unless
#     REDIS_URL is set; installed with apt-get when missing and root;
#   - the database "archstudio" and its migrations;
#   - then the router (bin/router), which starts every function; its
#     scheduler runs the backup function at start and daily (verified
#     pg_dumps in .data/backups, BACKUP_DIR, kept 7 days).
#
# Ctrl-C stops the router (it drains, then stops the functions), then
# Redis and PostgreSQL. The data stays in .data/. A second Ctrl-C makes the
# router stop without waiting for in-flight requests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

DATA_DIR="${DEV_DATA_DIR:-$ROOT/.data}"
PG_PORT="${DEV_PG_PORT:-5433}"
REDIS_PORT="${DEV_REDIS_PORT:-6380}"
DB_NAME="${DEV_DB_NAME:-archstudio}"
BIN="${BIN_DIR:-$ROOT/bin}"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'run: %s\n' "$*" >&2; exit 1; }

pg_data=""      # set once we started PostgreSQL: stop it on exit
redis_pidfile="" # set once we started Redis: stop it on exit
router_pid=""

# as_postgres runs a PostgreSQL server command: PostgreSQL refuses to run
# as root, so as root it runs as the "postgres" system user.
as_postgres() {
	if [[ $EUID -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

stop_all() {
	local status=$?
	trap - INT TERM
	if [[ -n $router_pid ]] && kill -0 "$router_pid" 2>/dev/null; then
		kill -TERM "$router_pid" 2>/dev/null || true
		wait "$router_pid" 2>/dev/null || true
	fi
	if [[ -n $redis_pidfile && -s $redis_pidfile ]]; then
		say "stopping Redis"
		local pid
		pid="$(cat "$redis_pidfile")"
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	if [[ -n $pg_data ]]; then
		say "stopping PostgreSQL"
		as_postgres "$PG_BIN/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	exit "$status"
}
trap stop_all EXIT

# Before the router runs, Ctrl-C just ends the script (stop_all cleans up);
# afterwards it asks the router to drain.
on_signal() {
	if [[ -n $router_pid ]]; then
		kill -TERM "$router_pid" 2>/dev/null || true
	else
		exit 130
	fi
}
trap on_signal INT TERM

wait_tcp() { # port seconds
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	return 1
}

find_pg_bin() {
	if command -v initdb >/dev/null 2>&1; then
		# Through symlinks: psql and pg_ctl live beside the real initdb.
		dirname "$(readlink -f "$(command -v initdb)")"
		return
	fi
	local dir
	dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
	[[ -n $dir && -x $dir/initdb ]] || die "PostgreSQL not found: install it (apt-get install postgresql) or set DATABASE_URL"
	echo "$dir"
}

start_postgres() {
	PG_BIN="$(find_pg_bin)"
	local data="$DATA_DIR/postgres" logf="$DATA_DIR/postgres.log"
	mkdir -p "$data"
	chmod 700 "$data"
	touch "$logf"
	if [[ $EUID -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install postgresql)"
		if [[ $(stat -c %U "$data") != postgres ]]; then chown -R postgres:postgres "$data"; fi
		chown postgres:postgres "$logf"
		as_postgres test -w "$data" ||
			die "the postgres user cannot reach $data (a parent directory is closed to it); set DEV_DATA_DIR to a directory it can reach, e.g. /var/tmp/archstudio"
	fi
	if [[ ! -s $data/PG_VERSION ]]; then
		say "initdb $data"
		as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-instructions >>"$logf" 2>&1 ||
			{ tail -n 20 "$logf" >&2; die "initdb failed (log: $logf)"; }
	fi
	if as_postgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		say "PostgreSQL already running on $data (left over from an earlier run); using it"
	else
		say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
		# No Unix socket: clients use TCP, and a socket path under a deep
		# checkout can exceed the kernel's limit.
		as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$logf" -w -t 60 \
			-o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null ||
			{ tail -n 20 "$logf" >&2; die "PostgreSQL did not start (is port $PG_PORT taken? set DEV_PG_PORT); log: $logf"; }
	fi
	pg_data="$data"
	wait_tcp "$PG_PORT" 30 || die "PostgreSQL is not accepting connections on port $PG_PORT"
	local psql_bin="$PG_BIN/psql"
	[[ -x $psql_bin ]] || psql_bin="$(command -v psql)" || die "psql not found beside $PG_BIN/initdb or on PATH"
	local psql=("$psql_bin" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
	if [[ -z $("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ]]; then
		say "creating database $DB_NAME"
		"${psql[@]}" -c "CREATE DATABASE \"$DB_NAME\""
	fi
	export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME?sslmode=disable"
}

start_redis() {
	if ! command -v redis-server >/dev/null 2>&1; then
		if [[ $EUID -ne 0 ]]; then
			die "redis-server not found: install it (sudo apt-get install redis-server) or set REDIS_URL"
		fi
		say "installing redis-server with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -q redis-server >/dev/null ||
			{ apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; } ||
			die "could not install redis-server; install it or set REDIS_URL"
	fi
	local dir="$DATA_DIR/redis"
	mkdir -p "$dir"
	local pidfile="$dir/redis.pid"
	if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
		say "Redis already running (left over from an earlier run); using it"
	else
		say "starting Redis on 127.0.0.1:$REDIS_PORT"
		rm -f "$pidfile"
		# Append-only file fsync'd every second: sessions and quota
		# counters survive a restart, losing at most a second.
		redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" \
			--appendonly yes --appendfsync everysec --save "" --daemonize yes \
			--pidfile "$pidfile" --logfile "$dir/redis.log"
	fi
	redis_pidfile="$pidfile"
	wait_tcp "$REDIS_PORT" 10 ||
		{ tail -n 20 "$dir/redis.log" >&2 || true; die "Redis did not start (is port $REDIS_PORT taken? set DEV_REDIS_PORT)"; }
	export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

# ensure_espeak installs espeak-ng, the local text-to-speech default used
# when TTS_BASE_URL is unset; without it speech falls back to the browser.
ensure_espeak() {
	command -v espeak-ng >/dev/null 2>&1 && return
	if [[ $EUID -ne 0 ]]; then
		say "espeak-ng not found: server speech is off (sudo apt-get install espeak-ng, or set TTS_BASE_URL)"
		return
	fi
	say "installing espeak-ng with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q espeak-ng >/dev/null ||
		{ apt-get update -q >/dev/null && apt-get install -y -q espeak-ng >/dev/null; } ||
		say "could not install espeak-ng; server speech is off"
}

migrate() {
	say "applying migrations"
	if [[ -x $BIN/migrate ]]; then
		"$BIN/migrate" up
	else
		go run ./migrations/cmd/migrate up
	fi
}

[[ -x $BIN/router ]] || die "$BIN/router is missing: run \`make build\` (\`make run\` does)"
mkdir -p "$DATA_DIR"
if [[ -n ${DATABASE_URL:-} ]]; then say "using DATABASE_URL"; else start_postgres; fi
if [[ -n ${REDIS_URL:-} ]]; then say "using REDIS_URL"; else start_redis; fi
[[ -n ${TTS_BASE_URL:-} ]] || ensure_espeak
migrate

export ROUTER_ADDR="${ROUTER_ADDR:-:8080}"
export ROUTER_MANIFEST="${ROUTER_MANIFEST:-$ROOT/runtime/functions.json}"
export FUNCTIONS_DIR="${FUNCTIONS_DIR:-$BIN/functions}"
export WEB_DIST="${WEB_DIST:-$ROOT/web/dist}"
export BACKUP_DIR="${BACKUP_DIR:-$DATA_DIR/backups}"
# pg_dump beside the server we started (its version), else found by the
# backup function itself.
if [[ -n ${PG_BIN:-} && -z ${BACKUP_PG_BIN:-} ]]; then export BACKUP_PG_BIN="$PG_BIN"; fi
# The functions' own defaults assume http://localhost:8080; follow the port
# actually served, and accept the page from 127.0.0.1 as well.
port="${ROUTER_ADDR##*:}"
export PUBLIC_URL="${PUBLIC_URL:-http://localhost:$port}"
export ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-http://localhost:$port,http://127.0.0.1:$port}"
say "starting the router on $ROUTER_ADDR (Ctrl-C stops everything)"
# Its own session: a Ctrl-C reaches only this script, which then asks the
# router to drain, instead of hitting it (and a second signal) directly.
setsid "$BIN/router" &
router_pid=$!

status=0
while :; do
	wait "$router_pid" && status=0 || status=$?
	# wait also returns when a signal interrupts it; go on while it runs.
	kill -0 "$router_pid" 2>/dev/null || break
done
router_pid=""
exit "$status"
