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
export Portal__DataDirectory="${Portal__DataDirectory:-$PWD/data}"

echo "Portal will listen on ${ASPNETCORE_URLS} (sign up there; data in ${Portal__DataDirectory})"
exec dotnet run --project Portal/Portal.csproj -c Release --no-launch-profile
