#!/usr/bin/env bash
# Makes sure the services the test suite needs answer on loopback:
#   PostgreSQL on 127.0.0.1:5432 (user postgres, password postgres)
#   Redis      on 127.0.0.1:6379
# Servers that already answer are left alone. Missing ones are started (a PostgreSQL
# cluster is created if there is none). Install the servers with: scripts/system-deps.sh --test
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-60}

say() { echo "services: $*"; }
loud() { echo; echo "services: ==> $*"; }
die() { echo >&2; echo "services: ERROR: $*" >&2; exit 1; }

# Run a command as root: directly, with sudo, or not at all.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}
# Run a command as the postgres OS user, from / (it may not be able to read our directory).
as_postgres() {
    if [ "$(id -un)" = postgres ]; then (cd / && "$@")
    elif [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@")
    elif command -v sudo >/dev/null 2>&1; then (cd / && sudo -u postgres "$@")
    else die "need root (or sudo) to run as postgres: $*"
    fi
}

# A TCP port that accepts connections (a fallback when the client tools are not installed).
port_open() { (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1; }

# ----------------------------------------------------------------------------- PostgreSQL
pg_ready() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
    else
        port_open "$PG_HOST" "$PG_PORT"
    fi
}

wait_for() {  # wait_for <description> <command...>
    local what=$1; shift
    local i
    for ((i = 0; i < WAIT_SECONDS; i++)); do
        if "$@"; then return 0; fi
        sleep 1
    done
    return 1
}

pg_started_here=0
if pg_ready; then
    say "PostgreSQL already answers on $PG_HOST:$PG_PORT (left as it is)"
else
    loud "PostgreSQL does not answer on $PG_HOST:$PG_PORT: starting it"
    command -v pg_ctlcluster >/dev/null 2>&1 \
        || die "PostgreSQL is not installed (no pg_ctlcluster). Run: scripts/system-deps.sh --test"
    version=""
    if [ -d /etc/postgresql ]; then
        # Newest version that has a 'main' cluster.
        for v in $(ls /etc/postgresql 2>/dev/null | sort -V); do
            [ -f "/etc/postgresql/$v/main/postgresql.conf" ] && version=$v
        done
    fi
    if [ -z "$version" ]; then
        version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
        [ -n "$version" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql. Run: scripts/system-deps.sh --test"
        loud "no PostgreSQL cluster exists: creating $version/main on port $PG_PORT"
        as_root pg_createcluster "$version" main --port "$PG_PORT"
    fi
    say "starting cluster $version/main"
    if ! as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
        # 'already running' is fine as long as it answers below.
        say "pg_ctlcluster start did not succeed; checking whether the cluster answers anyway"
    fi
    wait_for "PostgreSQL" pg_ready \
        || die "PostgreSQL did not answer on $PG_HOST:$PG_PORT within ${WAIT_SECONDS}s. See /var/log/postgresql/postgresql-$version-main.log"
    pg_started_here=1
    say "PostgreSQL $version is up on $PG_HOST:$PG_PORT"
fi

if [ "$pg_started_here" = 1 ]; then
    # Only for a server we started: Debian's pg_hba uses scram-sha-256 for TCP, so the
    # password is what lets the tests log in as postgres/postgres over 127.0.0.1.
    loud "setting the password of database user 'postgres' to 'postgres' (server started by this script)"
    as_postgres psql -q -p "$PG_PORT" -v ON_ERROR_STOP=1 -c "ALTER USER postgres PASSWORD 'postgres'" \
        || die "could not set the postgres user's password"
fi

# Check the login the test settings use, and create their database 'lms' if it is missing
# (Django's test runner creates test_lms itself; makemigrations --check reads lms).
if command -v psql >/dev/null 2>&1; then
    if PGPASSWORD=postgres PGCONNECT_TIMEOUT=5 psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
        -tAc 'SELECT 1' >/dev/null 2>&1; then
        say "login as postgres/postgres over TCP works"
        has_db=$(PGPASSWORD=postgres psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
            -tAc "SELECT 1 FROM pg_database WHERE datname = 'lms'")
        if [ "$has_db" != 1 ]; then
            loud "creating database 'lms'"
            PGPASSWORD=postgres psql -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
                -c 'CREATE DATABASE lms'
        fi
    else
        loud "WARNING: PostgreSQL answers, but login as postgres/postgres over TCP FAILS."
        say "         The test settings use postgres://postgres:postgres@$PG_HOST:$PG_PORT/lms"
        say "         unless DATABASE_URL says otherwise. To fix a local server:"
        say "           su postgres -c \"psql -c \\\"ALTER USER postgres PASSWORD 'postgres'\\\"\""
    fi
else
    say "psql not installed: cannot check the login (scripts/system-deps.sh --test installs it)"
fi

# ----------------------------------------------------------------------------- Redis
redis_ready() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
    else
        local reply
        reply=$({ exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" && printf 'PING\r\n' >&3 \
            && timeout 2 head -c 5 <&3; } 2>/dev/null) || return 1
        [ "$reply" = "+PONG" ]
    fi
}

if redis_ready; then
    say "Redis already answers PONG on $REDIS_HOST:$REDIS_PORT (left as it is)"
else
    loud "Redis does not answer on $REDIS_HOST:$REDIS_PORT: starting it"
    command -v redis-server >/dev/null 2>&1 \
        || die "Redis is not installed (no redis-server). Run: scripts/system-deps.sh --test"
    # Nothing on disk: no snapshots, no append-only file.
    (cd "${TMPDIR:-/tmp}" && redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
        --save "" --appendonly no) \
        || die "redis-server failed to start"
    wait_for "Redis" redis_ready \
        || die "Redis did not answer PONG on $REDIS_HOST:$REDIS_PORT within ${WAIT_SECONDS}s"
    say "Redis is up on $REDIS_HOST:$REDIS_PORT"
fi

loud "services ready: PostgreSQL $PG_HOST:$PG_PORT, Redis $REDIS_HOST:$REDIS_PORT"
