#!/usr/bin/env bash
# The deploy benchmark (bench/README.md, issue 5 "git-linked deploys"): the time from a push webhook received to
# the new commit being served by EVERY member of a PHP application with 2 members, through the portal's router,
#   (p) the portal: push to a bare repository, signed GitHub-style webhook, then curl through the router until
#       both members answer with the new commit (fetch, build, start, health check, switch, all in between),
# against, measured in the same run, alternating with it,
#   (r) the reference: what any container PaaS pays at least for the same change: `docker build` of an image
#       FROM the php cartridge's image with `COPY app/ /app/` of a fresh tree, `docker run` of two containers,
#       curl until both answer with the new content,
# and prints the median, min and max of each, the ratio (p)/(r) of the medians and the median of each release step.
#
#   bash bench/deploy/run.sh [runs] [--record]
#
# runs: measured deploys of each kind (default 5). --record appends the table to bench/RESULTS.md.
# Environment: POLL_INTERVAL seconds between requests while waiting for the new commit (0.02); DOTNET_* variables
# reach the portal and are written into the recorded command. Needs the Docker engine with the php cartridge's
# image (bash scripts/start-services.sh --no-postgres makes the engine and its local base image), git, curl, jq,
# openssl and the .NET 10 SDK; uses only 127.0.0.1 and removes everything it made, also on Ctrl-C.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
export LC_NUMERIC=C # $EPOCHREALTIME with a dot

runs=5
record=0
for arg in "$@"; do
    case "$arg" in
        --record) record=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        ''|*[!0-9]*|0) echo "run.sh: unknown argument '$arg' (usage: bash bench/deploy/run.sh [runs] [--record])" >&2; exit 2 ;;
        *) runs="$arg" ;;
    esac
done
poll_interval="${POLL_INTERVAL:-0.02}"
command_line="bash bench/deploy/run.sh $*"
for variable in POLL_INTERVAL $(compgen -e | grep -E '^(DOTNET_|OTEL_)' | grep -vE '^DOTNET_(CLI_|NOLOGO|GENERATE_ASPNET_CERTIFICATE|ROOT|SKIP_|MULTILEVEL|INSTALL)' || true); do
    [ -n "${!variable:-}" ] && command_line="$variable='${!variable}' $command_line"
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
missing=()
for tool in dotnet docker git curl jq openssl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: not installed: ${missing[*]} (on Debian: apt-get install docker.io git curl jq openssl; dotnet: the .NET 10 SDK)" >&2
    exit 1
fi

# The engine the tests use (scripts/start-services.sh writes it to .ci/services.env), else the default socket.
if [ -z "${DOCKER_HOST:-}" ] && [ -f "$repo/.ci/services.env" ]; then
    # shellcheck disable=SC1091
    source "$repo/.ci/services.env"
    [ -n "${PORTAL_DOCKER_HOST:-}" ] && export DOCKER_HOST="$PORTAL_DOCKER_HOST"
fi
docker_endpoint="${DOCKER_HOST:-unix:///var/run/docker.sock}"
docker info >/dev/null 2>&1 \
    || { echo "run.sh: the Docker engine at $docker_endpoint does not answer (start it: bash scripts/start-services.sh --no-postgres)" >&2; exit 1; }
# The php cartridge's image as the portal's catalogue names it (Portal.Core/Cartridges/BuiltInCartridges.cs).
php_image="$(sed -n 's/.*Image = "\(portal\/php:[^"]*\)".*/\1/p' "$repo/Portal.Core/Cartridges/BuiltInCartridges.cs" | head -n1)"
[ -n "$php_image" ] || { echo "run.sh: the php cartridge's image is not in Portal.Core/Cartridges/BuiltInCartridges.cs" >&2; exit 1; }

work="$(mktemp -d -t deploy-bench.XXXXXX)"
portal_pid=""
token=""
api_port=""
installation=""
ref_containers=()
ref_images=()
commits=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ ${#ref_containers[@]} -gt 0 ]; then docker rm -f "${ref_containers[@]}" >/dev/null 2>&1 || true; fi
    if [ ${#ref_images[@]} -gt 0 ]; then docker rmi "${ref_images[@]}" >/dev/null 2>&1 || true; fi
    if [ -n "$portal_pid" ] && kill -0 "$portal_pid" 2>/dev/null; then
        [ -z "$installation" ] && find_installation
        if [ -n "$token" ]; then
            echo "== removing the application (the portal removes its members)" >&2
            curl -s -m 10 -o /dev/null -X DELETE -H "Authorization: Bearer $token" "http://127.0.0.1:$api_port/api/v1/applications/web" || true
            for _ in $(seq 40); do
                [ -n "$installation" ] || { sleep 3; break; }
                [ -z "$(docker ps -aq --filter "label=portal.installation=$installation")" ] && break
                sleep 0.5
            done
        fi
        kill -TERM "$portal_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$portal_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$portal_pid" 2>/dev/null || true
    fi
    [ -z "$installation" ] && find_installation
    if [ -n "$installation" ]; then
        # What this run's portal made, by its installation's labels: never another portal's (tests run alongside).
        docker ps -aq --filter "label=portal.installation=$installation" | xargs -r docker rm -f >/dev/null 2>&1 || true
        docker network ls -q --filter "label=portal.installation=$installation" | xargs -r docker network rm >/dev/null 2>&1 || true
        docker volume ls -q --filter "label=portal.installation=$installation" | xargs -r docker volume rm >/dev/null 2>&1 || true
        docker images --filter "label=portal.release.installation=$installation" --format '{{.Repository}}:{{.Tag}}' \
            | grep -v '<none>' | xargs -r docker rmi >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "== $*" >&2; }
fail() {
    echo "run.sh: $1" >&2
    [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 40 "$2" >&2
    exit 1
}

# The portal's installation id (every container, network and release image it makes carries it in a label).
find_installation() {
    local db="$work/data/portal.db" commit
    if command -v sqlite3 >/dev/null 2>&1 && [ -f "$db" ]; then
        installation="$(sqlite3 -readonly "$db" 'select Id from Installations limit 1;' 2>/dev/null | tr '[:upper:]' '[:lower:]' || true)"
    fi
    if [ -z "$installation" ]; then
        for commit in "${commits[@]}"; do
            installation="$(docker images --filter "label=portal.release.commit=$commit" --format '{{index .Labels "portal.release.installation"}}' 2>/dev/null | head -n1 || true)"
            [ -n "$installation" ] && break
        done
    fi
    return 0
}

# A port nothing listens on (and not handed out already in this run).
used_ports=" "
free_port() {
    local port
    while :; do
        port=$(( 12000 + RANDOM % 20000 )) # below the ephemeral range (32768+), where outgoing connections take theirs
        case "$used_ports" in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
            && { ! command -v ss >/dev/null 2>&1 || [ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; }; then
            used_ports="$used_ports$port "
            echo "$port"
            return
        fi
    done
}

stamp() { local t="${EPOCHREALTIME/./}"; now=$(( 10#$t / 1000 )); } # sets $now: wall clock in ms, without a fork

# --- the php cartridge's image ---
if ! docker image inspect "$php_image" >/dev/null 2>&1; then
    base_arg=()
    docker image inspect local/php-base >/dev/null 2>&1 && base_arg=(--build-arg BASE_IMAGE=local/php-base)
    log "building $php_image from cartridges/php ${base_arg[*]}"
    docker build -q "${base_arg[@]}" -t "$php_image" "$repo/cartridges/php" > "$work/cartridge-build.log" 2>&1 \
        || fail "building $php_image failed (no registry? bash scripts/start-services.sh --no-postgres makes local/php-base)" "$work/cartridge-build.log"
fi

# --- the repository: a bare one (the "git host") and a working copy ---
git_do() { git -C "$work/src" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }
git init -q --bare --initial-branch=main "$work/origin.git"
git init -q --initial-branch=main "$work/src"
git_do remote add origin "$work/origin.git"
commit_run() { # n: index.php says "run n", committed and pushed; sets $commit
    printf "<?php echo 'run %s from ' . getenv('PORTAL_MEMBER_ID');\n" "$1" > "$work/src/index.php"
    git_do add index.php
    git_do commit -q -m "run $1"
    git_do push -q origin main 2>/dev/null
    commit="$(git_do rev-parse HEAD)"
    commits+=("$commit")
}
commit_run 0

# --- the portal ---
log "building Portal (Release)"
dotnet build "$repo/Portal/Portal.csproj" -c Release -nologo -v q > "$work/build.log" 2>&1 \
    || fail "building Portal failed (is someone editing it right now?)" "$work/build.log"
api_port="$(free_port)"
router_port="$(free_port)"
api="http://127.0.0.1:$api_port"
mkdir -p "$work/data"
# In its own session, so that Ctrl-C reaches only this script, which then deletes the application before stopping it.
( cd "$repo/Portal" && exec setsid env DOTNET_CLI_TELEMETRY_OPTOUT=1 ASPNETCORE_URLS="$api" ASPNETCORE_ENVIRONMENT=Production \
    Portal__DataDirectory="$work/data" Portal__Docker__Endpoint="$docker_endpoint" \
    Router__Port="$router_port" Router__BindAddress=127.0.0.1 \
    dotnet "$repo/Portal/bin/Release/net10.0/Portal.dll" ) < /dev/null > "$work/portal.log" 2>&1 &
portal_pid="$!"
for _ in $(seq 600); do
    curl -s -m 2 -o /dev/null "$api/readyz" && break
    kill -0 "$portal_pid" 2>/dev/null || fail "the portal stopped during start-up" "$work/portal.log"
    sleep 0.2
done
curl -s -m 2 -o /dev/null "$api/readyz" || fail "the portal was not ready within 120 s" "$work/portal.log"
log "portal on $api, router on 127.0.0.1:$router_port"

call() { # method path [json]: the body to $work/answer.json, prints the status code
    local args=(-s -m 30 -o "$work/answer.json" -w '%{http_code}' -X "$1" -H 'content-type: application/json')
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    [ -n "${3:-}" ] && args+=(--data-binary "$3")
    curl "${args[@]}" "$api$2" || echo 000
}
tenant=bench
host_header="web.$tenant.apps.localhost"
account='{"tenant":"bench","email":"bench@example.com","password":"Bench-Passw0rd-Long"}'
[ "$(call POST /api/v1/auth/register "$account")" = 200 ] || fail "registering failed: $(cat "$work/answer.json")"
[ "$(call POST /api/v1/auth/login "$account")" = 200 ] || fail "signing in failed: $(cat "$work/answer.json")"
token="$(jq -r .accessToken "$work/answer.json")"
find_installation
created="$(call POST /api/v1/applications "{\"name\":\"web\",\"cartridge\":\"php\",\"minMembers\":2,\"maxMembers\":2,\"repository\":{\"url\":\"$work/origin.git\",\"branch\":\"main\"}}")"
[ "$created" = 201 ] || fail "creating the application failed ($created): $(cat "$work/answer.json")" "$work/portal.log"
hook_url="$(jq -r .webhook.url "$work/answer.json")"
hook_secret="$(jq -r .webhook.secret "$work/answer.json")"
{ [ -n "$hook_secret" ] && [ "$hook_secret" != null ]; } || fail "the application has no webhook secret: $(cat "$work/answer.json")"

# ISO 8601 (fractions, offset) in ms since the epoch, for the release steps' timestamps.
jq_ms='def ms: capture("^(?<s>[0-9-]+T[0-9:]+)(?<f>\\.[0-9]+)?(?<z>.*)$")
    | ((.s + "Z") | fromdateiso8601) * 1000 + ((("0" + (.f // ".0")) | tonumber) * 1000)
      - (.z | if . == "Z" or . == "" then 0 else (capture("(?<g>[+-])(?<h>[0-9]{2}):?(?<m>[0-9]{2})")
            | ((.h | tonumber) * 60 + (.m | tonumber)) * 60000 * (if .g == "+" then 1 else -1 end)) end)
    | floor;'
release_state() { # number: prints its state ("" when not listed)
    [ "$(call GET /api/v1/applications/web/releases)" = 200 ] || { echo ""; return; }
    jq -r --argjson n "$1" '.[] | select(.number == $n) | .state' "$work/answer.json"
}
wait_release() { # number seconds: until it succeeded; fails on failed or superseded
    local state="" i
    for i in $(seq $(( $2 * 4 ))); do
        state="$(release_state "$1")"
        case "$state" in
            succeeded) return 0 ;;
            failed|superseded) fail "release #$1 is $state: $(jq -c --argjson n "$1" '.[] | select(.number == $n) | {error, log}' "$work/answer.json")" "$work/portal.log" ;;
        esac
        sleep 0.25
    done
    fail "release #$1 did not succeed within $2 s (it is '$state')" "$work/portal.log"
}

# Pauses without a fork: read -t on a FIFO nobody writes to.
mkfifo "$work/tick"
exec 8<> "$work/tick"
pause() { read -r -t "$poll_interval" -u 8 _ || true; }

# Requests through the router until responses saying "run $1" came from 2 different members (sets $first_ms,
# $every_ms after $2, the number of older responses after the first new one in $stale, requests in $requests,
# curls in $polls).
# Each curl makes 2 requests on one connection: round-robin sends them to the 2 members.
member_re=$'[Xx]-[Pp]ortal-[Mm]ember: *([^\r\n]+)'
serve_wait() { # n t0 seconds
    local n="$1" t0="$2" deadline seen=" " count=0 answer rest segment member run url="http://127.0.0.1:$router_port/"
    first_ms=""; every_ms=""; stale=0; requests=0; polls=0
    stamp; deadline=$(( now + $3 * 1000 ))
    while :; do
        curl -s -m 2 -i -w '\n@@end@@\n' -H "Host: $host_header" "$url" "$url" > "$work/poll.out" 2>/dev/null || true
        stamp
        polls=$(( polls + 1 ))
        answer=""
        read -r -d '' answer < "$work/poll.out" || true
        rest="$answer"
        while [[ $rest == *@@end@@* ]]; do
            segment="${rest%%@@end@@*}"
            rest="${rest#*@@end@@}"
            requests=$(( requests + 1 ))
            run=""; member=""
            [[ $segment =~ run\ ([0-9]+)\ from ]] && run="${BASH_REMATCH[1]}"
            [[ $segment =~ $member_re ]] && member="${BASH_REMATCH[1]}"
            if [ "$run" = "$n" ] && [ -n "$member" ]; then
                [ -z "$first_ms" ] && first_ms=$(( now - t0 ))
                case "$seen" in
                    *" $member "*) ;;
                    *) seen="$seen$member "; count=$(( count + 1 )) ;;
                esac
            elif [ -n "$first_ms" ] && [ -n "$run" ]; then
                stale=$(( stale + 1 ))
            fi
        done
        if [ "$count" -ge 2 ]; then every_ms=$(( now - t0 )); return 0; fi
        [ "$now" -lt "$deadline" ] || return 1
        pause
    done
}

log "waiting for release #1 (the repository's head) and both members"
wait_release 1 300
stamp
serve_wait 0 "$now" 60 || fail "release #1 succeeded, but 2 members did not answer 'run 0' through the router" "$work/portal.log"
[ -z "$installation" ] && find_installation
log "application web.$tenant is served by 2 members (installation ${installation:-unknown})"

# --- the reference: docker build of the same change + 2 x docker run, until both answer ---
reference_run() { # n: sets $ref_ms and $ref_build_ms
    local n="$1" dir="$work/ref/$1" tag="deploy-bench-ref-$$:$1" t0 deadline cid port ports=() done_ports=" " count=0 answer
    mkdir -p "$dir/app"
    printf "<?php echo 'reference run %s from ' . gethostname();\n" "$n" > "$dir/app/index.php"
    printf 'FROM %s\nCOPY app/ /app/\n' "$php_image" > "$dir/Dockerfile"
    stamp; t0="$now"; deadline=$(( now + 120000 ))
    # The legacy builder, as the portal's builds through the engine's API.
    DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$dir" > "$work/ref-build.log" 2>&1 || fail "docker build of the reference failed" "$work/ref-build.log"
    ref_images+=("$tag")
    stamp; ref_build_ms=$(( now - t0 ))
    local started=() k
    for k in 1 2; do
        docker run -d -p 127.0.0.1::8080 "$tag" > "$work/ref-run-$k.id" 2>&1 &
        started+=("$!")
    done
    for k in 1 2; do
        wait "${started[$(( k - 1 ))]}" || fail "docker run of the reference failed" "$work/ref-run-$k.id"
    done
    for k in 1 2; do
        cid="$(cat "$work/ref-run-$k.id")"
        ref_containers+=("$cid")
        port="$(docker port "$cid" 8080/tcp | head -n1 | sed 's/.*://')"
        ports+=("$port")
    done
    while [ "$count" -lt 2 ]; do
        for port in "${ports[@]}"; do
            case "$done_ports" in *" $port "*) continue ;; esac
            curl -s -m 2 -o "$work/poll.out" "http://127.0.0.1:$port/" 2>/dev/null || true
            answer=""
            read -r -d '' answer < "$work/poll.out" || true
            if [[ $answer == "reference run $n from "* ]]; then done_ports="$done_ports$port "; count=$(( count + 1 )); fi
        done
        stamp
        [ "$count" -lt 2 ] || break
        [ "$now" -lt "$deadline" ] || fail "the reference's containers did not answer within 120 s"
        pause
    done
    ref_ms=$(( now - t0 ))
    docker rm -f "${ref_containers[@]}" >/dev/null 2>&1 || true
    ref_containers=()
    docker rmi "$tag" >/dev/null 2>&1 || true
}

# --- the portal: push, webhook, until both members serve the new commit ---
steps="queue fetch build start health switch drain"
declare -A step_values
portal_values=()
reference_values=()
per_run="$work/per-run.txt"
: > "$per_run"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
    commit_run "$i"
    body="{\"ref\":\"refs/heads/main\",\"after\":\"$commit\"}"
    signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$hook_secret" -r | cut -d' ' -f1)"
    delivery="$(cat /proc/sys/kernel/random/uuid)"
    stamp; t0="$now"
    code="$(curl -s -m 30 -o "$work/hook.json" -w '%{http_code}' -X POST -H 'content-type: application/json' \
        -H 'X-GitHub-Event: push' -H "X-GitHub-Delivery: $delivery" -H "X-Hub-Signature-256: $signature" \
        --data-binary "$body" "$hook_url" || echo 000)"
    [ "$code" = 202 ] || fail "the webhook answered $code: $(cat "$work/hook.json")" "$work/portal.log"
    number="$(jq -r .number "$work/hook.json")"
    serve_wait "$i" "$t0" 120 || fail "run $i: the new commit was not served by both members within 120 s" "$work/portal.log"
    portal_ms="$every_ms"
    wait_release "$number" 120
    line="$(jq -r --argjson n "$number" --argjson t0 "$t0" "$jq_ms"'
        .[] | select(.number == $n) as $r
        | ([$r.steps[] | {key: .name, value: (.durationMs // 0 | floor)}] | from_entries) as $d
        | [ (($r.steps[0].startedAt | ms) - ($r.createdAt | ms)),
            ($d.fetch // 0), ($d.build // 0), ($d.start // 0), ($d.health // 0), ($d.switch // 0), ($d.drain // 0),
            ((([$r.steps[] | select(.name == "switch")][0].startedAt // null) | if . == null then -1 else ms - $t0 end)) ]
        | map(tostring) | join(" ")' "$work/answer.json")"
    read -r -a values <<< "$line"
    k=0
    for step in $steps; do step_values[$step]="${step_values[$step]:-} ${values[$k]}"; k=$(( k + 1 )); done
    switch_at="${values[7]}"
    portal_values+=("$portal_ms")
    reference_run "$i"
    reference_values+=("$ref_ms")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$portal_ms" "$first_ms" "$switch_at" \
        "${values[0]}" "${values[1]}" "${values[2]}" "${values[3]}" "${values[4]}" "${values[5]}" "${values[6]}" "$stale" "$requests" "$(( every_ms / polls ))" "$ref_ms" "$ref_build_ms" >> "$per_run"
    log "run $i/$runs: portal ${portal_ms} ms (release #$number: queue ${values[0]}, fetch ${values[1]}, build ${values[2]}, start ${values[3]}, health ${values[4]}, switch ${values[5]}, drain ${values[6]} ms; switched at +${switch_at} ms), reference ${ref_ms} ms (build ${ref_build_ms} ms)"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ---
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minimum() { printf '%s\n' "$@" | sort -n | head -n1; }
maximum() { printf '%s\n' "$@" | sort -n | tail -n1; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
portal_median="$(median "${portal_values[@]}")"
reference_median="$(median "${reference_values[@]}")"
ratio="$(awk -v x="$portal_median" -v y="$reference_median" 'BEGIN { if (y > 0) printf "%.2fx", x / y; else print "-" }')"
cpu="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"
report="$work/report.md"
{
    echo "runs: $runs of each, alternating (p) and (r); application: php, 2 members, a one-file commit (index.php) per run; through the router: a curl of 2 requests on one connection every ${poll_interval} s"
    echo "machine: $(nproc) CPUs, $cpu; kernel $(uname -r)"
    echo "versions: dotnet $(dotnet --version), Docker engine $(docker version --format '{{.Server.Version}}' 2>/dev/null), git $(git --version | awk '{print $3}'), image $php_image"
    echo "load average (1, 5, 15 min) before the measurements: $load_before; after: $load_after (other work on the machine shows here and spoils the figures)"
    echo
    echo "| deploy | median s | min s | max s | vs (r) |"
    echo "|---|---:|---:|---:|---:|"
    echo "| (p) portal: webhook received → new commit served by both members | $(seconds "$portal_median") | $(seconds "$(minimum "${portal_values[@]}")") | $(seconds "$(maximum "${portal_values[@]}")") | $ratio |"
    echo "| (r) reference: docker build + 2 x docker run → both answer | $(seconds "$reference_median") | $(seconds "$(minimum "${reference_values[@]}")") | $(seconds "$(maximum "${reference_values[@]}")") | 1.00x |"
    echo
    echo "Release steps of (p), median ms (the portal's timestamps; queue: webhook's release created → its first step; drain comes after the new commit is served):"
    echo
    echo "| queue | fetch | build | start | health | switch | drain |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    row="|"
    for step in $steps; do
        # shellcheck disable=SC2086
        row="$row $(median ${step_values[$step]}) |"
    done
    echo "$row"
    echo
    echo "Per run (ms; served: by both members; first: the first response of the new commit; switched: the switch step's start, portal's clock; stale: responses of the old commit after the first new one; requests: through the router until served; poll: ms from one curl (2 requests) to the next, the resolution of (p); (r) build: the reference's docker build alone):"
    echo
    echo "| run | (p) served | first | switched | queue | fetch | build | start | health | switch | drain | stale | requests | poll | (r) | (r) build |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    cat "$per_run"
    echo
    awk -v p="$portal_median" 'BEGIN { printf "target for (p): median under 5 s: %.2f s, %s\n", p / 1000, (p < 5000 ? "met" : "NOT met") }'
} > "$report"
echo
cat "$report"

if [ "$record" = 1 ]; then
    results="$repo/bench/RESULTS.md"
    [ -f "$results" ] || printf '# Benchmark results\n\nAppended by the benchmarks in bench/ (see bench/README.md); newest last.\n' > "$results"
    {
        echo
        echo "## Deploy: webhook to served by every member, $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo
        echo "Command: \`$command_line\`"
        echo
        sed 's/^\(runs\|machine\|versions\|load average\|target for\)/- \1/' "$report"
    } >> "$results"
    log "recorded in bench/RESULTS.md"
fi
