#!/usr/bin/env bash
# Starts (idempotently) the services the tests need; each step is skipped if already done:
#   * Docker engine (dockerd, no systemd needed)
#   * with --second-engine: a second, independent engine on unix:///var/run/docker-b.sock (a second
#     partition for the placement and bursting tests)
#   * local base images local/php-base and local/mariadb-base (built with mmdebstrap, no registry)
#   * PostgreSQL 15 on 127.0.0.1:${PORTAL_PG_PORT:-55432} with role portal/portal
# and writes the connection settings to ${PORTAL_ENV_FILE:-.ci/services.env}.
#
# Flags:  --no-images    skip building the base images
#         --docker-only  only make sure dockerd is running
#         --no-postgres  dockerd and the base images, not PostgreSQL (used by scripts/run.sh)
#         --second-engine  also start the second engine (used by scripts/test.sh)
set -euo pipefail

WANT_IMAGES=1
DOCKER_ONLY=0
WANT_POSTGRES=1
WANT_SECOND=0
for arg in "$@"; do
  case "$arg" in
    --no-images) WANT_IMAGES=0 ;;
    --docker-only) DOCKER_ONLY=1 ;;
    --no-postgres) WANT_POSTGRES=0 ;;
    --second-engine) WANT_SECOND=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "start-services.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if [[ ${EUID} -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E bash "$0" "$@"; fi
  echo "start-services.sh: must run as root (or with sudo available)" >&2; exit 1
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR="${PORTAL_PG_DIR:-/var/tmp/portal-pg}"
PG_PORT="${PORTAL_PG_PORT:-55432}"
PG_USER=postgres
ENV_FILE="${PORTAL_ENV_FILE:-.ci/services.env}"
[[ "$ENV_FILE" = /* ]] || ENV_FILE="$REPO_ROOT/$ENV_FILE"
DOCKER_LOG=/var/log/dockerd.log
SECONDS=0

# One run at a time (two concurrent test runs must not both build images / start postgres).
# fd 9 holds the lock; it is closed for every daemon we start so they don't keep it.
exec 9>/var/lock/portal-start-services.lock
if ! flock -n 9; then
  echo "==> another start-services.sh is running; waiting for it"
  flock 9
fi

# ---------------------------------------------------------------- docker
docker_up() { docker info >/dev/null 2>&1; }

start_docker() {
  if docker_up; then
    echo "==> dockerd: already running"
    return 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "!! dockerd not found (run scripts/install-deps.sh)" >&2
    return 1
  fi
  echo "==> dockerd: starting (log: $DOCKER_LOG)"
  # Every tenant gets its own bridge network: a /24 each from a /16 gives room for 256 of them
  # (the default pools run out after about 30).
  setsid dockerd --default-address-pool base=10.210.0.0/16,size=24 >"$DOCKER_LOG" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 120; i++)); do
    if docker_up; then
      echo "==> dockerd: up after $((i / 2)) s"
      return 0
    fi
    sleep 0.5
  done
  echo "!! dockerd did not answer within 60 s; last lines of $DOCKER_LOG:" >&2
  tail -n 20 "$DOCKER_LOG" >&2 || true
  return 1
}

# The second engine keeps its own bridge (portal-b0): with `--bridge none` it would delete the first
# engine's docker0, and so would `--default-address-pool` on a restart (dockerd then removes the
# interface named docker0 whatever its -b says). Its networks come from the default pools, which
# the first engine (10.210.0.0/16) leaves free.
SECOND_SOCK=/var/run/docker-b.sock
SECOND_TCP=127.0.0.1:23750
SECOND_LOG=/var/log/dockerd-b.log
TLS_DIR=/var/lib/portal-test-tls

# A test CA, a server certificate for 127.0.0.1 and a client certificate, in Docker's layout
# (ca.pem, cert.pem, key.pem per folder): the second engine also listens on TCP with TLS.
make_test_certificates() {
  [[ -s "$TLS_DIR/client/key.pem" && -s "$TLS_DIR/server/key.pem" ]] && return 0
  rm -rf "$TLS_DIR"
  mkdir -p "$TLS_DIR/ca" "$TLS_DIR/server" "$TLS_DIR/client"
  chmod 700 "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=portal-test-ca" \
    -keyout "$TLS_DIR/ca/key.pem" -out "$TLS_DIR/ca/ca.pem" 2>/dev/null
  local who
  for who in server client; do
    local usage=serverAuth cn=127.0.0.1 san="subjectAltName=IP:127.0.0.1,DNS:localhost"
    [[ $who == client ]] && usage=clientAuth cn=portal san="subjectAltName=DNS:portal"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$TLS_DIR/$who/key.pem" \
      -out "$TLS_DIR/$who/req.csr" 2>/dev/null
    printf '%s\nextendedKeyUsage=%s\n' "$san" "$usage" >"$TLS_DIR/$who/ext.cnf"
    openssl x509 -req -in "$TLS_DIR/$who/req.csr" -CA "$TLS_DIR/ca/ca.pem" -CAkey "$TLS_DIR/ca/key.pem" \
      -CAcreateserial -days 3650 -extfile "$TLS_DIR/$who/ext.cnf" -out "$TLS_DIR/$who/cert.pem" 2>/dev/null
    cp "$TLS_DIR/ca/ca.pem" "$TLS_DIR/$who/ca.pem"
    rm -f "$TLS_DIR/$who/req.csr" "$TLS_DIR/$who/ext.cnf"
  done
  echo "==> test TLS certificates: $TLS_DIR"
}

start_second_engine() {
  if docker -H "unix://$SECOND_SOCK" info >/dev/null 2>&1; then
    echo "==> dockerd (second engine): already running"
    return 0
  fi
  if ! ip link show portal-b0 >/dev/null 2>&1; then
    ip link add portal-b0 type bridge
    ip addr add 10.214.0.1/24 dev portal-b0
  fi
  ip link set portal-b0 up
  make_test_certificates
  mkdir -p /var/lib/docker-b /var/run/docker-b
  echo "==> dockerd (second engine): starting (log: $SECOND_LOG)"
  setsid dockerd -H "unix://$SECOND_SOCK" -H "tcp://$SECOND_TCP" --tlsverify \
    --tlscacert "$TLS_DIR/server/ca.pem" --tlscert "$TLS_DIR/server/cert.pem" --tlskey "$TLS_DIR/server/key.pem" \
    --data-root /var/lib/docker-b --exec-root /var/run/docker-b \
    --pidfile /var/run/docker-b.pid -b portal-b0 --iptables=false >"$SECOND_LOG" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 120; i++)); do
    if docker -H "unix://$SECOND_SOCK" info >/dev/null 2>&1; then
      echo "==> dockerd (second engine): up after $((i / 2)) s"
      return 0
    fi
    sleep 0.5
  done
  echo "!! the second dockerd did not answer within 60 s; last lines of $SECOND_LOG:" >&2
  tail -n 20 "$SECOND_LOG" >&2 || true
  return 1
}

if [[ $DOCKER_ONLY -eq 1 ]]; then
  start_docker
  exit $?
fi
start_docker
if [[ $WANT_SECOND -eq 1 ]]; then start_second_engine; fi

# ---------------------------------------------------------------- base images
# The Debian mirror is taken from this machine's apt configuration (never hard-coded).
# PORTAL_DEBIAN_MIRROR overrides it.
find_mirror() {
  if [[ -n "${PORTAL_DEBIAN_MIRROR:-}" ]]; then echo "$PORTAL_DEBIAN_MIRROR"; return; fi
  local files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  [[ ${#files[@]} -gt 0 ]] || return 1
  # Emits "<suite> <uri>" candidates; deb822 stanzas are separated by blank lines.
  awk '
    function flush(   n, m, i, j, t, isdeb, u, s) {
      if (uris != "" && suites != "") {
        isdeb = 0; n = split(types, t, /[ \t]+/)
        for (i = 1; i <= n; i++) if (t[i] == "deb") isdeb = 1
        if (types == "") isdeb = 1
        if (isdeb && enabled) {
          n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
          for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (u[i] != "" && s[j] != "") print s[j], u[i]
        }
      }
      types = ""; uris = ""; suites = ""; enabled = 1
    }
    BEGIN { enabled = 1 }
    FNR == 1 { flush() }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^deb[ \t]/ {
      line = $0; sub(/^deb[ \t]+/, "", line)
      if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
      split(line, p, /[ \t]+/); print p[2], p[1]; next
    }
    /^Types:/   { sub(/^Types:[ \t]*/, "");   types = $0; next }
    /^URIs:/    { sub(/^URIs:[ \t]*/, "");    uris = $0; next }
    /^Suites:/  { sub(/^Suites:[ \t]*/, "");  suites = $0; next }
    /^Enabled:/ { enabled = ($2 !~ /^(no|false)$/); next }
    END { flush() }
  ' "${files[@]}" |
    awk '$1 == "bookworm" { print $2; found = 1; exit }
         $1 !~ /[-\/]/ && fallback == "" { fallback = $2 }
         END { if (!found && fallback != "") print fallback }'
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_images() {
  local -A includes=([local/php-base]="php-cli,php-mysql" [local/mariadb-base]="mariadb-server")
  local todo=() img
  for img in local/php-base local/mariadb-base; do
    if image_exists "$img"; then echo "==> image $img: present"; else todo+=("$img"); fi
  done
  [[ ${#todo[@]} -gt 0 ]] || return 0

  command -v mmdebstrap >/dev/null 2>&1 || { echo "!! mmdebstrap not found (run scripts/install-deps.sh)" >&2; return 1; }
  local mirror
  mirror="$(find_mirror || true)"
  if [[ -z "$mirror" ]]; then
    echo "!! could not find a Debian mirror in /etc/apt/sources.list{,.d}; set PORTAL_DEBIAN_MIRROR" >&2
    return 1
  fi
  local work
  work="$(mktemp -d /var/tmp/portal-images.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT

  # Build in parallel (independent mmdebstrap runs, each with its own temp dir and cache).
  local -A pids=()
  for img in "${todo[@]}"; do
    local name="${img#local/}"
    echo "==> image $img: building with mmdebstrap from $mirror (log: $work/$name.log)"
    mmdebstrap --quiet --variant=apt --include="${includes[$img]}" bookworm \
      "$work/$name.tar" "deb $mirror bookworm main" >"$work/$name.log" 2>&1 </dev/null 9>&- &
    pids[$img]=$!
  done
  local failed=0
  for img in "${todo[@]}"; do
    local name="${img#local/}"
    if wait "${pids[$img]}"; then
      docker import "$work/$name.tar" "$img" >/dev/null
      rm -f "$work/$name.tar"
      echo "==> image $img: imported"
    else
      echo "!! mmdebstrap for $img failed; last lines:" >&2
      tail -n 20 "$work/$name.log" >&2 || true
      failed=1
    fi
  done
  rm -rf "$work"
  trap - EXIT
  [[ $failed -eq 0 ]] || return 1
  docker run --rm local/php-base php -v >/dev/null 2>&1 || { echo "!! local/php-base does not run php" >&2; return 1; }
}

if [[ $WANT_IMAGES -eq 1 ]]; then
  build_images
else
  echo "==> base images: skipped (--no-images)"
fi

if [[ $WANT_POSTGRES -eq 0 ]]; then
  echo "==> services ready in ${SECONDS} s (PostgreSQL skipped: --no-postgres)"
  exit 0
fi

# ---------------------------------------------------------------- postgres
as_pg() { (cd / && runuser -u "$PG_USER" -- "$@"); }
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }
pg_psql() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -d postgres "$@"; }

start_postgres() {
  [[ -x "$PG_BIN/initdb" ]] || { echo "!! $PG_BIN/initdb not found (run scripts/install-deps.sh)" >&2; return 1; }
  if ! id "$PG_USER" >/dev/null 2>&1; then
    echo "==> postgres: creating system user $PG_USER"
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
  fi

  mkdir -p "$PG_DIR"
  chown "$PG_USER": "$PG_DIR"
  chmod 700 "$PG_DIR"

  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    echo "==> postgres: initdb in $PG_DIR"
    # local (unix socket) connections: peer auth for the postgres OS user;
    # TCP on 127.0.0.1: password (scram-sha-256).
    as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$PG_DIR.initdb.log" 2>&1 ||
      { echo "!! initdb failed:" >&2; cat "$PG_DIR.initdb.log" >&2; return 1; }
    rm -f "$PG_DIR.initdb.log"
  fi

  if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    echo "==> postgres: already running ($PG_DIR)"
  else
    echo "==> postgres: starting on 127.0.0.1:$PG_PORT (log: $PG_DIR/server.log)"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$PG_DIR'" \
        start >/dev/null 9>&-; then
      echo "!! pg_ctl start failed; last lines of $PG_DIR/server.log:" >&2
      tail -n 20 "$PG_DIR/server.log" >&2 || true
      return 1
    fi
  fi

  local i
  for ((i = 0; i < 60; i++)); do pg_ready && break; sleep 0.5; done
  pg_ready || { echo "!! postgres not accepting connections on 127.0.0.1:$PG_PORT" >&2; return 1; }

  if [[ "$(pg_psql -tAc "select 1 from pg_roles where rolname = 'portal'")" != "1" ]]; then
    echo "==> postgres: creating role portal"
    pg_psql -c "create role portal with login createdb superuser password 'portal'"
  fi
  PGPASSWORD=portal "$PG_BIN/psql" -X -q -tA \
    "host=127.0.0.1 port=$PG_PORT user=portal dbname=postgres connect_timeout=5" -c 'select 1' >/dev/null ||
    { echo "!! cannot log in as portal over TCP" >&2; return 1; }
  echo "==> postgres: ready (portal@127.0.0.1:$PG_PORT)"
}
start_postgres

# ---------------------------------------------------------------- env file
[[ -x /usr/bin/chromium ]] || echo "!! warning: /usr/bin/chromium missing (run scripts/install-deps.sh)" >&2

ENV_CONTENT="export PORTAL_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=portal;Password=portal;Database=postgres'
export PORTAL_CHROMIUM=/usr/bin/chromium
export PORTAL_DOCKER_HOST=unix:///var/run/docker.sock"
if [[ $WANT_SECOND -eq 1 ]]; then
  ENV_CONTENT="$ENV_CONTENT
export PORTAL_DOCKER_HOST_B=unix://$SECOND_SOCK
export PORTAL_DOCKER_TLS_B=tcp://$SECOND_TCP
export PORTAL_DOCKER_TLS_CERTS=$TLS_DIR/client"
fi

mkdir -p "$(dirname "$ENV_FILE")"
printf '%s\n' "$ENV_CONTENT" >"$ENV_FILE.tmp.$$"
mv -f "$ENV_FILE.tmp.$$" "$ENV_FILE"

# Keep generated/local files out of git.
GITIGNORE="$REPO_ROOT/.gitignore"
touch "$GITIGNORE"
for pattern in .ci/services.env bin/ obj/ data/ TestResults/ '*.trx' .vs/ artifacts/ node_modules/; do
  if ! grep -qxF -- "$pattern" "$GITIGNORE"; then
    [[ -s "$GITIGNORE" && -n "$(tail -c1 "$GITIGNORE")" ]] && echo >>"$GITIGNORE"
    echo "$pattern" >>"$GITIGNORE"
  fi
done

echo "==> services ready in ${SECONDS} s; environment (also in ${ENV_FILE#"$REPO_ROOT"/}):"
echo "$ENV_CONTENT"
