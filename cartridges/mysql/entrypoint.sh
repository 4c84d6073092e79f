#!/bin/bash
# Entrypoint of the portal's MySQL-compatible cartridge (MariaDB 10.11).
#
# First start (empty /var/lib/mysql): initialize the datadir, start a temporary server on the unix
# socket only (--skip-networking, so TCP 3306 stays closed), create $DB_NAME and '$DB_USER'@'%'
# identified by $DB_PASSWORD with all privileges on that database, run the *.sql files of
# /docker-entrypoint-initdb.d in it (the application's schema), stop it.
# Every start: exec mariadbd (PID 1) listening on 0.0.0.0:3306.
#
# root@localhost and mysql@localhost authenticate only through the unix socket as the matching OS
# user (no passwords exist for them): administration is `docker exec <c> mariadb` (as mysql).
# Runs as the unprivileged mysql user; needs no capability.
set -Eeuo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
PIDFILE=/run/mysqld/mysqld.pid
MARK_STARTED="$DATADIR/.cartridge-init-started"
MARK_DONE="$DATADIR/.cartridge-init-done"
INITDB_DIR=/docker-entrypoint-initdb.d

log() { printf '%s [cartridge-entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Anything that is not an option is run as a command (e.g. `docker run ... image bash`).
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
    exec "$@"
fi

# Server settings for small containers (256 MiB). Same for the temporary and the real server.
COMMON_ARGS=(
    --datadir="$DATADIR"
    --socket="$SOCKET"
    --pid-file="$PIDFILE"
    --skip-name-resolve
    --character-set-server=utf8mb4
    --collation-server=utf8mb4_general_ci
    --innodb-buffer-pool-size=64M
    --innodb-log-buffer-size=8M
    --key-buffer-size=8M
    --aria-pagecache-buffer-size=16M
    --max-connections=60
    --performance-schema=OFF
    --skip-log-bin
    --expire-logs-days=0
)

[ "$(id -u)" != 0 ] || die "refusing to run as root; run as the mysql user (the image's USER)"
[ -w "$DATADIR" ] || die "$DATADIR is not writable by $(id -un) (uid $(id -u)); a fresh named volume inherits the image's ownership, a bind mount must be chowned to this uid"
[ -w /run/mysqld ] || die "/run/mysqld is not writable by $(id -un)"

sql_string() {  # quote as an SQL string literal (default sql_mode: backslash escapes on)
    local s=${1//\\/\\\\}
    s=${s//\'/\\\'}
    printf "'%s'" "$s"
}
sql_ident() {   # quote as an SQL identifier
    printf '`%s`' "${1//\`/\`\`}"
}

TMP_PID=
stop_temp_server() {
    if [ -n "$TMP_PID" ] && kill -0 "$TMP_PID" 2>/dev/null; then
        kill -TERM "$TMP_PID" 2>/dev/null || true
        wait "$TMP_PID" 2>/dev/null || true
    fi
    TMP_PID=
}

initialize() {
    local missing=()
    [ -n "${DB_NAME:-}" ] || missing+=(DB_NAME)
    [ -n "${DB_USER:-}" ] || missing+=(DB_USER)
    [ -n "${DB_PASSWORD:-}" ] || missing+=(DB_PASSWORD)
    [ "${#missing[@]}" -eq 0 ] || die "first start with an empty $DATADIR needs these environment variables: ${missing[*]}"
    [ "${#DB_NAME}" -le 64 ] || die "DB_NAME is longer than 64 characters"
    [ "${#DB_USER}" -le 80 ] || die "DB_USER is longer than 80 characters"
    case "$DB_NAME" in *[!A-Za-z0-9_$-]*) die "DB_NAME may only contain letters, digits, '_', '\$' and '-'";; esac
    case "$DB_USER" in root|mysql|mariadb.sys|PUBLIC) die "DB_USER must not be '$DB_USER'";; esac

    touch "$MARK_STARTED"
    log "initializing database directory $DATADIR"
    mariadb-install-db \
        --datadir="$DATADIR" \
        --auth-root-authentication-method=socket \
        --auth-root-socket-user=mysql \
        --skip-test-db \
        --skip-name-resolve \
        --innodb-buffer-pool-size=64M \
        --skip-log-bin \
        --expire-logs-days=0 \
        >/dev/null || die "mariadb-install-db failed"

    log "starting temporary server (unix socket only)"
    trap 'stop_temp_server; exit 143' TERM INT
    mariadbd "${COMMON_ARGS[@]}" --skip-networking \
        --innodb-buffer-pool-load-at-startup=0 --innodb-buffer-pool-dump-at-shutdown=0 &
    TMP_PID=$!
    local i
    for i in $(seq 1 60); do
        if mariadb-admin --socket="$SOCKET" --user=mysql ping >/dev/null 2>&1; then break; fi
        kill -0 "$TMP_PID" 2>/dev/null || die "temporary server exited during startup"
        sleep 0.5
    done
    mariadb-admin --socket="$SOCKET" --user=mysql ping >/dev/null 2>&1 || die "temporary server did not become ready"

    log "creating database $DB_NAME and user $DB_USER"
    # SQL goes through stdin: the password never appears in a command line or in the log.
    mariadb --protocol=socket --socket="$SOCKET" --user=mysql --batch --skip-column-names <<-SQL || die "creating database/user failed"
	DELETE FROM mysql.global_priv WHERE User = '';
	DELETE FROM mysql.global_priv WHERE User IN ('root', 'mysql') AND Host <> 'localhost';
	DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';
	CREATE DATABASE IF NOT EXISTS $(sql_ident "$DB_NAME");
	CREATE USER $(sql_string "$DB_USER")@'%' IDENTIFIED BY $(sql_string "$DB_PASSWORD");
	GRANT ALL PRIVILEGES ON $(sql_ident "$DB_NAME").* TO $(sql_string "$DB_USER")@'%';
	FLUSH PRIVILEGES;
	SQL

    # The application's schema (and any other *.sql put there), run once, in its database, in name order. A script
    # that fails stops the first start with MariaDB's message (file and line): the member never serves half a schema.
    local script output
    for script in "$INITDB_DIR"/*.sql; do
        [ -f "$script" ] || continue
        log "running ${script##*/} in database $DB_NAME"
        if ! output="$(mariadb --protocol=socket --socket="$SOCKET" --user=mysql --batch --database="$DB_NAME" <"$script" 2>&1)"; then
            stop_temp_server
            die "${script##*/} failed: ${output##*$'\n'} (the database is created again at the next start; to change the schema, create the application again)"
        fi
    done

    log "stopping temporary server"
    stop_temp_server
    trap - TERM INT
    sync
    touch "$MARK_DONE"
    rm -f "$MARK_STARTED"
    log "initialization complete"
}

shopt -s dotglob nullglob
if [ -e "$MARK_DONE" ]; then
    log "database directory already initialized"
elif [ -e "$MARK_STARTED" ]; then
    # A previous first start was interrupted (crash, OOM, stop). Nothing was ever served from this
    # datadir (TCP only opens after init), so it is safe to wipe it and start over.
    log "previous initialization was interrupted; wiping $DATADIR and starting over"
    find "$DATADIR" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
    initialize
elif [ -d "$DATADIR/mysql" ]; then
    # A datadir initialized by something else (e.g. the official image's entrypoint): use it as is.
    log "found an existing MariaDB datadir not created by this image; using it as is (DB_* ignored)"
else
    entries=()
    for e in "$DATADIR"/*; do [ "$(basename "$e")" = lost+found ] || entries+=("$e"); done
    [ "${#entries[@]}" -eq 0 ] || die "$DATADIR is neither empty nor a MariaDB datadir (found: ${entries[*]##*/}); refusing to touch it"
    initialize
fi
shopt -u dotglob nullglob

log "starting mariadbd on 0.0.0.0:3306"
exec mariadbd "${COMMON_ARGS[@]}" --bind-address=0.0.0.0 --port=3306 "$@"
