#!/usr/bin/env bash
# Start Debian's PostgreSQL for the test suite and print a SQLAlchemy URL for it:
#   export ALLIANCE_LENS_TEST_PG_URL="$(bash tools/pg_test_server.sh)"
# Run as root after `apt-get install postgresql`. Idempotent: creates the cluster if there is
# none, starts it if it is down, (re)sets the role's password, creates the database once.
# Only the URL goes to stdout; progress goes to stderr.
set -euo pipefail

DB=alliance_lens_test
ROLE=${ALLIANCE_LENS_TEST_PG_ROLE:-alliance_lens_test}
# A throwaway password for a server bound to localhost; tests only.
PASSWORD=${ALLIANCE_LENS_TEST_PG_PASSWORD:-alliance_lens_test}

log() { printf 'pg_test_server: %s\n' "$*" >&2; }

# Both go into a URL and shell commands unquoted: keep them to plain characters.
for value in "$ROLE" "$PASSWORD"; do
    [[ "$value" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { log "role and password: letters, digits, _ only"; exit 2; }
done

# The newest installed server version, e.g. 15.
VERSION=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$VERSION" || ! -x /usr/lib/postgresql/$VERSION/bin/postgres ]]; then
    log "no PostgreSQL server under /usr/lib/postgresql; run: apt-get install -y postgresql"
    exit 1
fi
CLUSTER=main

# apt normally creates the cluster, but not when installed with create_main_cluster = false.
if ! pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {f=1} END {exit !f}'; then
    log "creating cluster $VERSION/$CLUSTER"
    pg_createcluster "$VERSION" "$CLUSTER" >&2
fi

# pg_ctlcluster status: 0 = running, 3 = down.
if ! pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; then
    log "starting cluster $VERSION/$CLUSTER"
    pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

PORT=$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')
for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { log "server on port $PORT is not ready"; exit 1; }

# Run SQL as the postgres superuser over the local socket (peer authentication).
as_postgres() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

as_postgres -d postgres -v role="$ROLE" -v pw="$PASSWORD" >&2 <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SQL

if [[ -z "$(as_postgres -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]]; then
    log "creating database $DB"
    runuser -u postgres -- createdb -p "$PORT" -O "$ROLE" "$DB"
fi

printf 'postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' "$ROLE" "$PASSWORD" "$PORT" "$DB"
