#!/usr/bin/env bash
# THE test command: installs dependencies, starts services, runs every test in the solution
# and prints one final summary line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT="$PWD"

bash scripts/install-deps.sh
bash scripts/start-services.sh --second-engine

# Use the services' settings, but let values already set by the caller win.
ENV_FILE="${PORTAL_ENV_FILE:-.ci/services.env}"
[[ "$ENV_FILE" = /* ]] || ENV_FILE="$REPO_ROOT/$ENV_FILE"
declare -A preset=()
for v in PORTAL_TEST_POSTGRES PORTAL_CHROMIUM PORTAL_DOCKER_HOST PORTAL_DOCKER_HOST_B; do
  [[ -n "${!v:-}" ]] && preset[$v]="${!v}"
done
# shellcheck disable=SC1090
source "$ENV_FILE"
for v in "${!preset[@]}"; do export "$v=${preset[$v]}"; done

SOLUTION=Portal.sln
[[ -f "$SOLUTION" || ! -f Portal.slnx ]] || SOLUTION=Portal.slnx
RESULTS="$REPO_ROOT/TestResults"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

echo "==> dotnet test $SOLUTION -c Release (results in TestResults/)"
set +e
dotnet test --solution "$SOLUTION" -c Release --results-directory "$RESULTS" --report-xunit-trx 2>&1 | tee "$RESULTS/output.log"
rc=${PIPESTATUS[0]}
set -e

# A failing test's process prints its whole standard output after the failure; repeat each failure's name and
# message at the end, where a reader of the log's tail looks.
if grep -qE '^[[:space:]]*failed [A-Za-z]' "$RESULTS/output.log"; then
  echo
  echo "==> failed tests (each with the first lines of its message; all of it in TestResults/output.log)"
  grep -E -A14 '^[[:space:]]*failed [A-Za-z]' "$RESULTS/output.log" | grep -v -E '^[[:space:]]*Standard (output|error):' | head -n 150 || true
  echo
fi

attr() {  # attr NAME "<Counters ...>"  -> value or 0
  local v
  v="$(grep -oE "[[:space:]]$1=\"[0-9]+\"" <<<"$2" | head -n1 | grep -oE '[0-9]+' || true)"
  echo "${v:-0}"
}

passed=0 failed=0 skipped=0 files=0
while IFS= read -r -d '' trx; do
  files=$((files + 1))
  counters="$(tr '\n' ' ' <"$trx" | grep -oE '<Counters[[:space:]][^>]*>' | head -n1 || true)"
  [[ -n "$counters" ]] || continue
  passed=$((passed + $(attr passed "$counters")))
  failed=$((failed + $(attr failed "$counters")))
  skipped=$((skipped + $(attr notExecuted "$counters")))
done < <(find "$RESULTS" -type f -name '*.trx' -print0)

[[ $files -gt 0 ]] || echo "!! no .trx result files found under TestResults/" >&2
echo "${passed} passed, ${failed} failed, ${skipped} skipped"

if [[ $rc -ne 0 ]]; then exit "$rc"; fi
if [[ $passed -eq 0 ]]; then exit 1; fi
exit 0
