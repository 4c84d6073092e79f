#!/usr/bin/env bash
# THE demo command: installs dependencies, starts the Docker engine, builds the portal, starts it (data in ./demo-data,
# on http://127.0.0.1:5000, its router on port 8080), plays the README's tour in a headless browser against it
# (e2e/DemoTests.cs: cartridge image, shop from git, MySQL with its schema, link, webhook push, load, round-robin,
# scale in), prints where its screenshots are and how to sign in, and leaves the portal running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORTAL_DEMO_PORT:-5000}"
ROUTER_PORT="${PORTAL_DEMO_ROUTER_PORT:-8080}"
ADMIN_EMAIL="${PORTAL_DEMO_ADMIN_EMAIL:-admin@demo.example}"
ADMIN_PASSWORD="${PORTAL_DEMO_ADMIN_PASSWORD:-Demo-Admin-Passw0rd}"
DATA="$PWD/demo-data"

bash scripts/install-deps.sh
bash scripts/start-services.sh --no-postgres
echo "==> building (Release)"
dotnet build Portal.sln -c Release -nologo -v quiet

for port in "$PORT" "$ROUTER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "!! port $port on 127.0.0.1 is taken (another portal?); set PORTAL_DEMO_PORT / PORTAL_DEMO_ROUTER_PORT" >&2
    exit 1
  fi
done

mkdir -p "$DATA" TestResults/e2e
LOG="$PWD/TestResults/e2e/demo-portal.log"
echo "==> starting the portal on http://127.0.0.1:$PORT (router :$ROUTER_PORT, data in $DATA, log in $LOG)"
(
  cd Portal/bin/Release/net10.0
  ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$PORT" Router__Port="$ROUTER_PORT" \
    Portal__DataDirectory="$DATA" Portal__Admin__Email="$ADMIN_EMAIL" Portal__Admin__Password="$ADMIN_PASSWORD" \
    exec dotnet Portal.dll
) >"$LOG" 2>&1 &
PORTAL_PID=$!
trap 'kill "$PORTAL_PID" 2>/dev/null || true; wait "$PORTAL_PID" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  if [[ "$(curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null || true)" == Healthy ]]; then break; fi
  kill -0 "$PORTAL_PID" 2>/dev/null || { echo "!! the portal exited; its log:" >&2; tail -n 40 "$LOG" >&2; exit 1; }
  sleep 1
done
[[ "$(curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null || true)" == Healthy ]] || { echo "!! the portal did not become healthy in 120 s (log: $LOG)" >&2; exit 1; }

echo "==> playing the tour (a few minutes: images are built the first time)"
status=0
PORTAL_E2E_URL="http://127.0.0.1:$PORT" PORTAL_E2E_ROUTER_PORT="$ROUTER_PORT" \
  PORTAL_E2E_ADMIN_EMAIL="$ADMIN_EMAIL" PORTAL_E2E_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  dotnet test --project e2e/Portal.E2E.csproj -c Release --no-build -- --filter-class Portal.E2E.DemoTests || status=$?

SHOTS="$(ls -d "$PWD"/TestResults/e2e/The_Stratos_demo_* 2>/dev/null | head -n1 || true)"
echo
if [[ $status -eq 0 ]]; then echo "==> the tour passed"; else echo "!! the tour failed (exit $status); the portal keeps running for a look"; fi
TENANT="<tenant>"
if [[ -n "$SHOTS" ]]; then
  echo "    screenshots: $SHOTS"
  if [[ -f "$SHOTS/tenant.txt" ]]; then
    echo "    the tenant:  $(cat "$SHOTS/tenant.txt")"
    TENANT="$(sed -n 's/.*(tenant \(.*\))$/\1/p' "$SHOTS/tenant.txt")"
  fi
fi
echo "    the portal:  http://127.0.0.1:$PORT  (platform admin: $ADMIN_EMAIL / $ADMIN_PASSWORD)"
echo "    the shop:    http://shop.$TENANT.apps.localhost:$ROUTER_PORT/  (browsers resolve *.localhost to this machine)"
echo "    Ctrl-C stops the portal (its members keep their data in $DATA and Docker)."
wait "$PORTAL_PID"
