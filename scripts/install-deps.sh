#!/usr/bin/env bash
# Installs (idempotently) everything the portal, its tests and benchmarks need on Debian 12.
# Safe to run repeatedly: apt-get update runs only when a package is actually missing,
# and no daemon is started by package installation (services are started by start-services.sh).
set -euo pipefail

if [[ ${EUID} -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E bash "$0" "$@"; fi
  echo "install-deps.sh: must run as root (or with sudo available)" >&2; exit 1
fi

export DEBIAN_FRONTEND=noninteractive
export RUNLEVEL=1   # extra hint for maintainer scripts not to start services
export NEEDRESTART_SUSPEND=1   # docker.io recommends needrestart; keep it from acting during our installs

PACKAGES=(ca-certificates curl git iproute2 openssl docker.io mmdebstrap postgresql chromium wrk haproxy nginx)
LOG=/var/log/portal-install-deps.log
APT_UPDATED=0

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

run_logged() {  # run quietly, show the log tail on failure
  if ! "$@" >>"$LOG" 2>&1; then
    echo "!! failed: $*  (last lines of $LOG follow)" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
}

apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    echo "==> apt-get update"
    run_logged apt-get update -q
    APT_UPDATED=1
  fi
}

# Keep package maintainer scripts from starting daemons (postgresql, nginx, haproxy, docker).
POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=""
POLICY_CREATED=0
restore_policy() {
  if [[ -n "$POLICY_BACKUP" ]]; then mv -f "$POLICY_BACKUP" "$POLICY"
  elif [[ $POLICY_CREATED -eq 1 ]]; then rm -f "$POLICY"; fi
}
install_policy() {
  if [[ -x "$POLICY" ]] && grep -qx 'exit 101' "$POLICY" 2>/dev/null; then return; fi
  if [[ -e "$POLICY" ]]; then
    POLICY_BACKUP="$(mktemp /usr/sbin/policy-rc.d.portal-backup.XXXXXX)"
    cp -p "$POLICY" "$POLICY_BACKUP"
  else
    POLICY_CREATED=1
  fi
  trap restore_policy EXIT
  printf '#!/bin/sh\n# temporary, written by portal scripts/install-deps.sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
}

missing=()
for p in "${PACKAGES[@]}"; do is_installed "$p" || missing+=("$p"); done

if [[ ${#missing[@]} -gt 0 ]]; then
  install_policy
  apt_update_once
  echo "==> apt-get install ${missing[*]} (log: $LOG)"
  run_logged apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}"
else
  echo "==> apt packages already installed (${PACKAGES[*]})"
fi

if command -v dotnet >/dev/null 2>&1; then
  echo "==> dotnet present: $(dotnet --version 2>/dev/null || echo '?')"
else
  echo "==> dotnet not found: installing .NET 10 SDK from Microsoft's Debian feed"
  install_policy
  # shellcheck disable=SC1091
  deb_version="$(. /etc/os-release && echo "${VERSION_ID:-12}")"
  tmp_deb="$(mktemp --suffix=.deb)"
  run_logged curl -fsSL -o "$tmp_deb" \
    "https://packages.microsoft.com/config/debian/${deb_version}/packages-microsoft-prod.deb"
  run_logged dpkg -i "$tmp_deb"
  rm -f "$tmp_deb"
  APT_UPDATED=0   # new source added: refresh once more
  apt_update_once
  run_logged apt-get install -y -q -o Dpkg::Use-Pty=0 dotnet-sdk-10.0
  echo "==> dotnet installed: $(dotnet --version)"
fi

echo "==> install-deps: done"
