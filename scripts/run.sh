#!/usr/bin/env bash
# THE command to run the portal: installs dependencies, makes sure the Docker engine runs,
# then starts the web app (SQLite data in ./data).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
if ! bash scripts/start-services.sh --docker-only; then
  echo "!! warning: the Docker engine could not be started; the portal runs, but deployments will fail" >&2
fi

export ASPNETCORE_URLS="${PORTAL_URLS:-${ASPNETCORE_URLS:-http://127.0.0.1:5000}}"
export PORTAL_DOCKER_HOST="${PORTAL_DOCKER_HOST:-unix:///var/run/docker.sock}"
export PORTAL_CHROMIUM="${PORTAL_CHROMIUM:-/usr/bin/chromium}"

echo "Portal will listen on ${ASPNETCORE_URLS} (sign up there; data in ./data)"
exec dotnet run --project Portal/Portal.csproj -c Release --no-launch-profile
