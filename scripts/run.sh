#!/usr/bin/env bash
# THE command to run the portal: installs dependencies, makes sure the Docker engine runs,
# then starts the web app (SQLite data in ./data).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
# The Docker engine, and the local base images the built-in cartridges build from where no registry is reachable.
if ! bash scripts/start-services.sh --no-postgres; then
  echo "!! warning: the Docker engine or the local base images are not ready; the portal runs, but cartridge images cannot be built" >&2
fi

export ASPNETCORE_URLS="${PORTAL_URLS:-${ASPNETCORE_URLS:-http://127.0.0.1:5000}}"
export Portal__DataDirectory="${Portal__DataDirectory:-$PWD/data}"

echo "Portal will listen on ${ASPNETCORE_URLS} (sign up there; data in ${Portal__DataDirectory})"
exec dotnet run --project Portal/Portal.csproj -c Release --no-launch-profile
