#!/usr/bin/env bash
# The autoscaling benchmark (bench/README.md): how fast the autoscaler reacts to a step in the load, from the step
# to a NEW member serving traffic through the portal's router, for a PHP application (min 1, max 2 members) whose
# page burns ~0.2 s of CPU per request, with two policies that differ only in `prediction`:
#   (on)  prediction on: the load is predicted over the horizon (the level since a step, plus a slope or an
#         acceleration when they are beyond noise),
#   (off) prediction off, threshold only: the window's average against the threshold, the reference,
# alternating (on) and (off) in each run; prints the median, min and max of the decision time (the first scaleUp in
# the decision log) and of the serving time (the first response from a member other than the first one), both from
# the load step, and the ratio on/off of the medians.
#
#   bash bench/autoscale/run.sh [runs] [--record]
#
# runs: measured load steps of each kind (default 3). --record appends the table to bench/RESULTS.md.
# Environment: LOAD_WORKERS concurrent curl loops making the load (6); IDLE_SECONDS idle before the step (15);
# SCALE_TIMEOUT seconds a step may take to reach a new member (120); DOTNET_* variables reach the portal and are
# written into the recorded command. Needs the Docker engine with the php cartridge's image (bash
# scripts/start-services.sh --no-postgres), git, curl, jq and the .NET 10 SDK; uses only 127.0.0.1 and removes
# everything it made, also on Ctrl-C.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
export LC_NUMERIC=C # $EPOCHREALTIME with a dot

runs=3
record=0
for arg in "$@"; do
    case "$arg" in
        --record) record=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        ''|*[!0-9]*|0) echo "run.sh: unknown argument '$arg' (usage: bash bench/autoscale/run.sh [runs] [--record])" >&2; exit 2 ;;
        *) runs="$arg" ;;
    esac
done
load_workers="${LOAD_WORKERS:-6}"
idle_seconds="${IDLE_SECONDS:-15}"
scale_timeout="${SCALE_TIMEOUT:-120}"
for setting in "LOAD_WORKERS=$load_workers" "IDLE_SECONDS=$idle_seconds" "SCALE_TIMEOUT=$scale_timeout"; do
    case "${setting#*=}" in
        ''|*[!0-9]*|0) echo "run.sh: ${setting%%=*} must be a positive whole number, not '${setting#*=}'" >&2; exit 2 ;;
    esac
done
command_line="bash bench/autoscale/run.sh $*"
for variable in LOAD_WORKERS IDLE_SECONDS SCALE_TIMEOUT $(compgen -e | grep -E '^(DOTNET_|OTEL_)' | grep -vE '^DOTNET_(CLI_|NOLOGO|GENERATE_ASPNET_CERTIFICATE|ROOT|SKIP_|MULTILEVEL|INSTALL)' || true); do
    [ -n "${!variable:-}" ] && command_line="$variable='${!variable}' $command_line"
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
missing=()
for tool in dotnet docker git curl jq; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: not installed: ${missing[*]} (on Debian: apt-get install docker.io git curl jq; dotnet: the .NET 10 SDK)" >&2
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

started_at="$SECONDS"
work="$(mktemp -d -t autoscale-bench.XXXXXX)"
portal_pid=""
token=""
admin_token=""
api_port=""
installation=""
app="" # the application of the run under way (deleted by the cleanup when set)
worker_pids=()
commits=()
stop_load() { # the load's curl loops end after their request under way (at most 10 s)
    [ ${#worker_pids[@]} -gt 0 ] || return 0
    : > "$work/stop"
    local pid
    for pid in "${worker_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    worker_pids=()
    rm -f "$work/stop"
}
containers_left() { # prints the ids of the containers this run's portal made
    [ -n "$installation" ] || return 0
    docker ps -aq --filter "label=portal.installation=$installation" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ ${#worker_pids[@]} -gt 0 ]; then
        : > "$work/stop"
        kill -TERM "${worker_pids[@]}" 2>/dev/null || true
        stop_load
    fi
    if [ -n "$portal_pid" ] && kill -0 "$portal_pid" 2>/dev/null; then
        [ -z "$installation" ] && find_installation
        if [ -n "$token" ] && [ -n "$app" ]; then
            echo "== removing the application $app (the portal removes its members)" >&2
            curl -s -m 10 -o /dev/null -X DELETE -H "Authorization: Bearer $token" "http://127.0.0.1:$api_port/api/v1/applications/$app" || true
            for _ in $(seq 40); do
                [ -n "$installation" ] || { sleep 3; break; }
                [ -z "$(containers_left)" ] && break
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

log() { echo "== [$(( SECONDS - started_at )) s] $*" >&2; } # the time since the start: where a run spends it
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

# Member ids are version 7 GUIDs: their first 8 digits are a timestamp that members started within a minute share,
# so a member is named by its last 12 digits.
short() { echo "...${1: -12}"; }
stamp() { local t="${EPOCHREALTIME/./}"; now=$(( 10#$t / 1000 )); } # sets $now: wall clock in ms (UTC epoch), without a fork

# --- the php cartridge's image ---
if ! docker image inspect "$php_image" >/dev/null 2>&1; then
    base_arg=()
    docker image inspect local/php-base >/dev/null 2>&1 && base_arg=(--build-arg BASE_IMAGE=local/php-base)
    log "building $php_image from cartridges/php ${base_arg[*]}"
    docker build -q "${base_arg[@]}" -t "$php_image" "$repo/cartridges/php" > "$work/cartridge-build.log" 2>&1 \
        || fail "building $php_image failed (no registry? bash scripts/start-services.sh --no-postgres makes local/php-base)" "$work/cartridge-build.log"
fi

# --- the repository: a bare one (the "git host") with one commit: index.php (the health check's page) and burn.php ---
git_do() { git -C "$work/src" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }
git init -q --bare --initial-branch=main "$work/origin.git"
git init -q --initial-branch=main "$work/src"
git_do remote add origin "$work/origin.git"
printf "<?php echo 'idle on ' . gethostname();\n" > "$work/src/index.php"
cat > "$work/src/burn.php" <<'PHP'
<?php
// Burns ~0.2 s of CPU (as much as the member's CPU limit gives it for 0.2 s), then names the member.
$until = microtime(true) + 0.2;
while (microtime(true) < $until) {}
header('Content-Type: text/plain');
echo gethostname();
PHP
git_do add index.php burn.php
git_do commit -q -m "burn.php: ~0.2 s of CPU per request"
git_do push -q origin main 2>/dev/null
commits+=("$(git_do rev-parse HEAD)")

# --- the portal, with a platform admin from its configuration ---
log "building Portal (Release)"
dotnet build "$repo/Portal/Portal.csproj" -c Release -nologo -v q > "$work/build.log" 2>&1 \
    || fail "building Portal failed (is someone editing it right now?)" "$work/build.log"
api_port="$(free_port)"
router_port="$(free_port)"
api="http://127.0.0.1:$api_port"
admin_email="bench-admin@example.com"
admin_password="Bench-Admin-Passw0rd-Long"
mkdir -p "$work/data"
# In its own session, so that Ctrl-C reaches only this script, which then deletes the application before stopping it.
( cd "$repo/Portal" && exec setsid env DOTNET_CLI_TELEMETRY_OPTOUT=1 ASPNETCORE_URLS="$api" ASPNETCORE_ENVIRONMENT=Production \
    Portal__DataDirectory="$work/data" Portal__Docker__Endpoint="$docker_endpoint" \
    Portal__Admin__Email="$admin_email" Portal__Admin__Password="$admin_password" \
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

call() { # method path [json]: as $token; the body to $work/answer.json, prints the status code
    local args=(-s -m 30 -o "$work/answer.json" -w '%{http_code}' -X "$1" -H 'content-type: application/json')
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    [ -n "${3:-}" ] && args+=(--data-binary "$3")
    curl "${args[@]}" "$api$2" || echo 000
}
sign_in() { # email password: prints the bearer token
    local body
    body="$(jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p}')"
    [ "$(token="" call POST /api/v1/auth/login "$body")" = 200 ] || fail "signing in as $1 failed: $(cat "$work/answer.json")" "$work/portal.log"
    jq -r .accessToken "$work/answer.json"
}

# The platform admin defines the two policies: the same but for prediction; the horizon is left to the measured
# start-up time of a member.
admin_token="$(sign_in "$admin_email" "$admin_password")"
policy_on="bench-predict"
policy_off="bench-threshold"
for kind in on off; do
    if [ "$kind" = on ]; then name="$policy_on"; prediction=true; else name="$policy_off"; prediction=false; fi
    body="{\"name\":\"$name\",\"cpuPercent\":50,\"evaluationIntervalSeconds\":2,\"windowSeconds\":30,\"scaleUpCooldownSeconds\":10,\"prediction\":$prediction}"
    code="$(token="$admin_token" call POST /api/v1/autoscaling-policies "$body")"
    [ "$code" = 201 ] || fail "creating the policy $name failed ($code): $(cat "$work/answer.json")" "$work/portal.log"
done
policy_json="$(jq -c 'del(.name, .prediction)' "$work/answer.json")"

account='{"tenant":"bench","email":"bench@example.com","password":"Bench-Passw0rd-Long"}'
[ "$(call POST /api/v1/auth/register "$account")" = 200 ] || fail "registering failed: $(cat "$work/answer.json")"
token="$(sign_in bench@example.com Bench-Passw0rd-Long)"

# ISO 8601 (fractions, offset) in ms since the epoch, for the portal's timestamps.
jq_ms='def ms: capture("^(?<s>[0-9-]+T[0-9:]+)(?<f>\\.[0-9]+)?(?<z>.*)$")
    | ((.s + "Z") | fromdateiso8601) * 1000 + ((("0" + (.f // ".0")) | tonumber) * 1000)
      - (.z | if . == "Z" or . == "" then 0 else (capture("(?<g>[+-])(?<h>[0-9]{2}):?(?<m>[0-9]{2})")
            | ((.h | tonumber) * 60 + (.m | tonumber)) * 60000 * (if .g == "+" then 1 else -1 end)) end)
    | floor;'
wait_release() { # seconds: until the application's release #1 succeeded; fails on failed or superseded
    local state="" code
    for _ in $(seq $(( $1 * 4 ))); do
        code="$(call GET "/api/v1/applications/$app/releases")"
        state=""
        [ "$code" = 200 ] && state="$(jq -r '.[] | select(.number == 1) | .state' "$work/answer.json")"
        case "$state" in
            succeeded) return 0 ;;
            failed|superseded) fail "$app: release #1 is $state: $(jq -c '.[] | select(.number == 1) | {error, log}' "$work/answer.json")" "$work/portal.log" ;;
        esac
        sleep 0.25
    done
    fail "$app: release #1 did not succeed within $1 s (it is '$state')" "$work/portal.log"
}
member_re=$'[Xx]-[Pp]ortal-[Mm]ember: *([^\r\n]+)'
routed_member() { # seconds: until the router answers 200 with an X-Portal-Member header; sets $routed
    local answer="" deadline
    routed=""
    stamp; deadline=$(( now + $1 * 1000 ))
    while :; do
        answer="$(curl -s -m 5 -i -H "Host: $host_header" "http://127.0.0.1:$router_port/" 2>/dev/null || true)"
        if [[ $answer == "HTTP/"*" 200"* ]] && [[ $answer =~ $member_re ]]; then routed="${BASH_REMATCH[1]}"; return 0; fi
        stamp
        [ "$now" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# One load loop: requests /burn.php through the router one after another, logging per response
# "<sent ms> <answered ms> <status> <X-Portal-Member>" (ms: UTC epoch).
load_worker() { # k
    local out="$work/load-$1.log" url="http://127.0.0.1:$router_port/burn.php" answer sent t member code
    while [ ! -e "$work/stop" ]; do
        t="${EPOCHREALTIME/./}"; sent=$(( 10#$t / 1000 ))
        answer="$(curl -s -m 10 -D - -o /dev/null -H "Host: $host_header" "$url" 2>/dev/null || true)"
        t="${EPOCHREALTIME/./}"
        code="000"; member="-"
        [[ $answer =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]] && code="${BASH_REMATCH[1]}"
        [[ $answer =~ $member_re ]] && member="${BASH_REMATCH[1]}"
        echo "$sent $(( 10#$t / 1000 )) $code $member" >> "$out"
    done
}

# One measured load step on a fresh application with the policy of `kind`; appends a line to $per_run and the
# figures to ${kind}_decision / ${kind}_serving; failed_runs counts the runs with no scale-out.
on_decision=(); on_serving=(); off_decision=(); off_serving=()
failed_runs=0
per_run="$work/per-run.txt"
: > "$per_run"
step_run() { # i kind
    local i="$1" kind="$2" policy first created code t0 deadline line serving="" decision="" new_member="" \
        new_created="-" new_active="-" horizon="-" predicted="-" reason="" requests errors served_new
    if [ "$kind" = on ]; then policy="$policy_on"; else policy="$policy_off"; fi
    app="burn-$kind-$i"
    created="$(call POST /api/v1/applications "{\"name\":\"$app\",\"cartridge\":\"php\",\"minMembers\":1,\"maxMembers\":2,\"repository\":{\"url\":\"$work/origin.git\",\"branch\":\"main\"},\"autoscalingPolicy\":\"$policy\"}")"
    [ "$created" = 201 ] || fail "creating $app failed ($created): $(cat "$work/answer.json")" "$work/portal.log"
    host_header="$(jq -r '.routing.hosts[0]' "$work/answer.json")"
    { [ -n "$host_header" ] && [ "$host_header" != null ]; } || fail "$app has no host name: $(cat "$work/answer.json")"
    wait_release 300
    [ -z "$installation" ] && find_installation
    # Its one member Active (the API) and routed (the router answers with it).
    first=""
    for _ in $(seq 240); do
        code="$(call GET "/api/v1/applications/$app")"
        if [ "$code" = 200 ] && [ "$(jq -r '.activeMembers' "$work/answer.json")" = 1 ]; then
            first="$(jq -r '[.members[] | select(.state == "active")][0].id // empty' "$work/answer.json")"
            [ -n "$first" ] && break
        fi
        sleep 0.25
    done
    [ -n "$first" ] || fail "$app: no Active member within 60 s after its release: $(cat "$work/answer.json")" "$work/portal.log"
    routed_member 60 || fail "$app: its member $first is Active, but the router did not answer 200 with X-Portal-Member within 60 s" "$work/portal.log"
    [ "$routed" = "$first" ] || log "note: the router named member $routed, the API $first (measuring against the router's)"
    first="$routed"
    log "run $i ($kind, policy $policy): $app served by $(short "$first") (installation ${installation:-unknown}); idle ${idle_seconds} s"
    sleep "$idle_seconds"

    # The step.
    rm -f "$work"/load-*.log "$work/stop"
    stamp; t0="$now"
    for k in $(seq "$load_workers"); do
        load_worker "$k" &
        worker_pids+=("$!")
    done
    deadline=$(( t0 + scale_timeout * 1000 ))
    while :; do
        sleep 0.5
        # The first response (by the time it came) from another member than the first one.
        line="$(cat "$work"/load-*.log 2>/dev/null | awk -v first="$first" '$3 == "200" && $4 != "-" && $4 != first' | sort -n -k2,2 | head -n1 || true)"
        if [ -n "$line" ]; then
            read -r _ served_new _ new_member <<< "$line"
            serving=$(( served_new - t0 ))
            break
        fi
        stamp
        [ "$now" -lt "$deadline" ] || break
    done
    stop_load
    requests="$(cat "$work"/load-*.log 2>/dev/null | wc -l | tr -d ' ')"
    errors="$(cat "$work"/load-*.log 2>/dev/null | awk '$3 != "200"' | wc -l | tr -d ' ')"

    # The decision log (newest first): the first scaleUp, its horizon, the CPU predicted and its reason.
    code="$(call GET "/api/v1/applications/$app/scaling-decisions")"
    [ "$code" = 200 ] || fail "$app: the decision log answered $code: $(cat "$work/answer.json")" "$work/portal.log"
    cp "$work/answer.json" "$work/decisions-$app.json"
    line="$(jq -r --argjson t0 "$t0" "$jq_ms"'
        [.[] | select(.action == "scaleUp")] | last
        | if . == null then "" else
            [ ((.at | ms) - $t0), (.horizonSeconds * 10 | round / 10 | tostring),
              ([.metrics[] | select(.metric == "cpu") | .predicted][0] // null | if . == null then "-" else (. * 10 | round / 10 | tostring) end),
              (.reason | gsub("[|\n]"; "/")) ] | map(tostring) | join("\t") end' "$work/answer.json")"
    if [ -n "$line" ]; then
        IFS=$'\t' read -r decision horizon predicted reason <<< "$line"
    fi
    # The new member's own timestamps (created, Active), from the step.
    if [ -n "$new_member" ] && [ "$(call GET "/api/v1/applications/$app")" = 200 ]; then
        line="$(jq -r --arg id "$new_member" --argjson t0 "$t0" "$jq_ms"'
            [.members[] | select(.id == $id)][0] // null
            | if . == null then "- -" else "\((.createdAt | ms) - $t0) \(if .activeAt == null then "-" else (.activeAt | ms) - $t0 end)" end' "$work/answer.json")"
        read -r new_created new_active <<< "$line"
    fi

    ms_s() { if [ "$1" = - ] || [ -z "$1" ]; then echo -; else awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; fi; }
    if [ -n "$serving" ]; then
        if [ -n "$decision" ]; then eval "${kind}_decision+=(\"\$decision\")"; fi
        eval "${kind}_serving+=(\"\$serving\")"
        log "run $i ($kind): scaleUp decided at +$(ms_s "$decision") s, member $(short "$new_member") created +$(ms_s "$new_created") s, Active +$(ms_s "$new_active") s, serving +$(ms_s "$serving") s ($requests requests, $errors not 200)"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$kind" "$(ms_s "$decision")" "$(ms_s "$new_created")" \
            "$(ms_s "$new_active")" "$(ms_s "$serving")" "$horizon" "$predicted" "$requests" "$errors" "${reason:--}" >> "$per_run"
    else
        failed_runs=$(( failed_runs + 1 ))
        log "run $i ($kind): no scale-out within ${scale_timeout} s (first scaleUp: ${decision:-none}); the latest decisions:"
        jq -r '.[:5][] | "   \(.at) \(.action) \(.fromMembers)->\(.toMembers): \(.reason)"' "$work/decisions-$app.json" >&2 || true
        printf '| %s | %s | %s | - | - | no scale-out | %s | %s | %s | %s | %s |\n' "$i" "$kind" "$(ms_s "${decision:--}")" \
            "$horizon" "$predicted" "$requests" "$errors" \
            "$(jq -r '.[0].reason // "no decision" | gsub("[|\n]"; "/")' "$work/decisions-$app.json")" >> "$per_run"
    fi

    # The application goes, and its members with it, before the next run.
    code="$(call DELETE "/api/v1/applications/$app")"
    case "$code" in 2??) ;; *) fail "deleting $app failed ($code): $(cat "$work/answer.json")" "$work/portal.log" ;; esac
    for _ in $(seq 120); do
        [ -z "$(containers_left)" ] && break
        sleep 0.5
    done
    [ -z "$(containers_left)" ] || fail "$app was deleted, but its containers were still there after 60 s: $(containers_left | tr '\n' ' ')" "$work/portal.log"
    app=""
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
    # ABBA: on then off in odd runs, off then on in even ones, so a drift of the machine weighs on both alike.
    if [ $(( i % 2 )) = 1 ]; then order="on off"; else order="off on"; fi
    for kind in $order; do step_run "$i" "$kind"; done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ---
median() { if [ $# -eq 0 ]; then echo -; else printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; fi; }
minimum() { if [ $# -eq 0 ]; then echo -; else printf '%s\n' "$@" | sort -n | head -n1; fi; }
maximum() { if [ $# -eq 0 ]; then echo -; else printf '%s\n' "$@" | sort -n | tail -n1; fi; }
seconds() { if [ "$1" = - ]; then echo -; else awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; fi; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (x != "-" && y != "-" && y > 0) printf "%.2fx", x / y; else print "-" }'; }
stats() { echo "$(seconds "$(median "$@")") | $(seconds "$(minimum "$@")") | $(seconds "$(maximum "$@")")"; } # median | min | max
on_decision_median="$(median ${on_decision[@]+"${on_decision[@]}"})"
off_decision_median="$(median ${off_decision[@]+"${off_decision[@]}"})"
on_serving_median="$(median ${on_serving[@]+"${on_serving[@]}"})"
off_serving_median="$(median ${off_serving[@]+"${off_serving[@]}"})"
cpu="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"
report="$work/report.md"
{
    echo "runs: $runs of each kind, alternating (on, off, then off, on); a fresh application per run: php, minMembers 1, maxMembers 2, burn.php (~0.2 s of CPU per request, a member's limit is 0.5 CPU), idle ${idle_seconds} s after its member is routed, then $load_workers concurrent curl loops through the router"
    echo "policies (the same but prediction): $policy_json"
    echo "machine: $(nproc) CPUs, $cpu; kernel $(uname -r)"
    echo "versions: dotnet $(dotnet --version), Docker engine $(docker version --format '{{.Server.Version}}' 2>/dev/null), curl $(curl --version | awk 'NR == 1 { print $2 }'), image $php_image"
    echo "load average (1, 5, 15 min) before the measurements: $load_before; after: $load_after (other work on the machine shows here and spoils the figures)"
    echo "duration: $(( SECONDS - started_at )) s in all (the portal's build and start included)"
    echo
    echo "| from the load step to | prediction | median s | min s | max s | on/off |"
    echo "|---|---|---:|---:|---:|---:|"
    echo "| the first scaleUp decision (decision log) | on | $(stats ${on_decision[@]+"${on_decision[@]}"}) | $(ratio "$on_decision_median" "$off_decision_median") |"
    echo "| | off (threshold only) | $(stats ${off_decision[@]+"${off_decision[@]}"}) | 1.00x |"
    echo "| a new member serving (first response from it) | on | $(stats ${on_serving[@]+"${on_serving[@]}"}) | $(ratio "$on_serving_median" "$off_serving_median") |"
    echo "| | off (threshold only) | $(stats ${off_serving[@]+"${off_serving[@]}"}) | 1.00x |"
    echo
    echo "Per run (s from the load step, same clock: the portal's timestamps are UTC like the script's; decision: the first scaleUp; created, Active: the new member's; serving: its first response through the router; horizon: the decision's, s; predicted: its CPU, % of one member; requests: through the router during the step, of which not 200):"
    echo
    echo "| run | prediction | decision | created | Active | serving | horizon | predicted | requests | not 200 | reason |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    cat "$per_run"
    echo
    if [ "$failed_runs" -gt 0 ]; then
        echo "$failed_runs run(s) with no scale-out within ${scale_timeout} s (not in the medians)"
    else
        awk -v on="$on_serving_median" -v off="$off_serving_median" 'BEGIN { printf "prediction on reacts %s than off: serving %.1f s against %.1f s (medians)\n", (on < off ? "earlier" : "NOT earlier"), on / 1000, off / 1000 }'
    fi
} > "$report"
echo
cat "$report"

if [ "$record" = 1 ]; then
    results="$repo/bench/RESULTS.md"
    [ -f "$results" ] || printf '# Benchmark results\n\nAppended by the benchmarks in bench/ (see bench/README.md); newest last.\n' > "$results"
    {
        echo
        echo "## Autoscaling: load step to a new member serving, prediction on and off, $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo
        echo "Command: \`$command_line\`"
        echo
        sed 's/^\(runs\|policies\|machine\|versions\|load average\|duration\|prediction on reacts\|[0-9]* run(s) with no\)/- \1/' "$report"
    } >> "$results"
    log "recorded in bench/RESULTS.md"
fi
[ "$failed_runs" = 0 ] || fail "$failed_runs run(s) did not scale out within ${scale_timeout} s"
