#!/usr/bin/env bash
# The router benchmark (bench/README.md): wrk against
#   (a) one nginx backend directly,
#   (b) the portal's router (the whole portal, every middleware on),
#   (c) HAProxy, hand-written round-robin over the same three backends,
#   (d) HAProxy on the configuration the portal's HAProxy extension writes,
# and, to tell where the router's cost comes from,
#   (e) bare YARP round-robin (the issue's reference),
#   (f) the portal's router without the rest of the portal (bench/RouterBench/Variants.cs),
# one after another on 127.0.0.1, and prints requests/s and p50/p99 latency with ratios against (c).
#
#   bash bench/router/run.sh [seconds] [--record]
#
# seconds: length of each measured run (default 8). --record appends the table to bench/RESULTS.md.
# Environment: WRK_THREADS (1), WRK_CONNECTIONS (32), WARMUP seconds per target (15), TARGETS ("a b c d e f"),
# ROUTER_BENCH_SET="Key=Value ..." extra portal settings for the bench hosts (to measure a variant); DOTNET_*
# variables reach the bench hosts too.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

seconds=8
record=0
for arg in "$@"; do
    case "$arg" in
        --record) record=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        ''|*[!0-9]*) echo "run.sh: unknown argument '$arg' (usage: bash bench/router/run.sh [seconds] [--record])" >&2; exit 2 ;;
        *) seconds="$arg" ;;
    esac
done
threads="${WRK_THREADS:-1}"
connections="${WRK_CONNECTIONS:-32}"
warmup="${WARMUP:-15}" # .NET needs ~10 s of load before tiered JIT settles (bench/RESULTS.md)
targets="${TARGETS:-a b c d e f}" # (c) is always measured: it is the reference
case " $targets " in *" c "*) ;; *) targets="$targets c" ;; esac
host_header="web.bench.apps.localhost"
command_line="bash bench/router/run.sh $*"
for variable in TARGETS WARMUP WRK_CONNECTIONS WRK_THREADS ROUTER_BENCH_SET $(compgen -e | grep -E '^(DOTNET_|OTEL_)' | grep -vE '^DOTNET_(CLI_|NOLOGO|GENERATE_ASPNET_CERTIFICATE|ROOT|SKIP_|MULTILEVEL|INSTALL)' || true); do
    [ -n "${!variable:-}" ] && command_line="$variable='${!variable}' $command_line"
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
missing=()
for tool in wrk nginx haproxy dotnet; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: not installed: ${missing[*]} (on Debian: apt-get install wrk nginx-light haproxy; dotnet: the .NET 10 SDK)" >&2
    exit 1
fi

work="$(mktemp -d -t router-bench.XXXXXX)"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    exec 7>&- 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "== $*" >&2; }
fail() {
    echo "run.sh: $1" >&2
    [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 40 "$2" >&2
    exit 1
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

wait_for_port() { # port seconds logfile what
    local i
    for i in $(seq $(( $2 * 10 ))); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "$4 did not listen on 127.0.0.1:$1 within $2 s" "$3"
}

# --- (backends) three nginx, each with its own prefix and one worker, answering a fixed body ---
backends=()
for n in 1 2 3; do
    port="$(free_port)"
    dir="$work/nginx$n"
    mkdir -p "$dir"
    user_line=""
    [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
    body="router-bench backend $n on port $port: a fixed body of about one hundred bytes, the same every time."
    cat > "$dir/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_timeout 120s;
    keepalive_requests 10000000;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen 127.0.0.1:$port;
        location / {
            default_type text/plain;
            return 200 "$body\n";
        }
    }
}
EOF
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' > "$dir/stdout.log" 2>&1 &
    pids+=("$!")
    backends+=("$port")
done
for n in 0 1 2; do wait_for_port "${backends[$n]}" 10 "$work/nginx$((n + 1))/error.log" "nginx backend $((n + 1))"; done
log "nginx backends on ${backends[*]}"

# --- (c) HAProxy, hand-written round-robin ---
haproxy_port="$(free_port)"
cat > "$work/haproxy-rr.cfg" <<EOF
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 60s
frontend bench
    bind 127.0.0.1:$haproxy_port
    default_backend members
backend members
    balance roundrobin
    option httpchk GET /
    server m1 127.0.0.1:${backends[0]} check inter 2s
    server m2 127.0.0.1:${backends[1]} check inter 2s
    server m3 127.0.0.1:${backends[2]} check inter 2s
EOF
haproxy -c -q -f "$work/haproxy-rr.cfg" > "$work/haproxy-rr.log" 2>&1 || fail "the hand-written HAProxy configuration is invalid" "$work/haproxy-rr.log"
haproxy -db -f "$work/haproxy-rr.cfg" >> "$work/haproxy-rr.log" 2>&1 &
pids+=("$!")
wait_for_port "$haproxy_port" 10 "$work/haproxy-rr.log" "HAProxy (c)"

# --- (b) the bench host: the whole portal, its application's members the nginx backends ---
log "building bench/RouterBench (Release)"
dotnet build "$repo/bench/RouterBench/RouterBench.csproj" -c Release -nologo -v q > "$work/build.log" 2>&1 \
    || fail "building bench/RouterBench failed" "$work/build.log"
dll="$repo/bench/RouterBench/bin/Release/net10.0/RouterBench.dll"
# Their stdin is a FIFO this script holds open: if the script dies, even by SIGKILL, the hosts see EOF and stop.
mkfifo "$work/host.stdin"
exec 7<>"$work/host.stdin"
start_host() { # name variant port [args...]: starts a bench host, sets $ready to its READY line
    local name="$1" variant="$2" port="$3" pid setting
    shift 3
    local args=(--variant "$variant" --port "$port" --backends "$(IFS=,; echo "${backends[*]}")" "$@")
    for setting in ${ROUTER_BENCH_SET:-}; do args+=(--set "$setting"); done
    DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$dll" "${args[@]}" < "$work/host.stdin" > "$work/$name.log" 2>&1 7>&- &
    pid="$!"
    pids+=("$pid")
    ready=""
    for _ in $(seq 1200); do
        ready="$(grep -m1 '^READY ' "$work/$name.log" || true)"
        [ -n "$ready" ] && break
        kill -0 "$pid" 2>/dev/null || fail "the bench host ($variant) stopped before it was ready" "$work/$name.log"
        sleep 0.1
    done
    [ -n "$ready" ] || fail "the bench host ($variant) was not ready within 120 s" "$work/$name.log"
    log "bench host: $ready"
}
router_port="$(free_port)"
ext_port="$(free_port)"
start_host host portal "$router_port" --haproxy-bind "127.0.0.1:$ext_port" --haproxy-config "$work/haproxy-ext.cfg"
ext_config="$(sed -n 's/.*haproxyConfig=\([^ ]*\).*/\1/p' <<< "$ready")"
bare_port="$(free_port)"
start_host bare bare "$bare_port"
alone_port="$(free_port)"
start_host alone router "$alone_port"

# --- (d) HAProxy on the extension's configuration ---
ext_note=""
if [ -n "$ext_config" ] && [ -s "$ext_config" ]; then
    cp "$ext_config" "$work/haproxy-ext.used.cfg"
    if haproxy -c -q -f "$work/haproxy-ext.used.cfg" > "$work/haproxy-ext.log" 2>&1; then
        haproxy -db -f "$work/haproxy-ext.used.cfg" >> "$work/haproxy-ext.log" 2>&1 7>&- &
        pids+=("$!")
        wait_for_port "$ext_port" 10 "$work/haproxy-ext.log" "HAProxy (d)"
    else
        ext_note="the extension's configuration does not pass haproxy -c: $(head -c 300 "$work/haproxy-ext.log" | tr '\n' ' ')"
    fi
else
    ext_note="the portal wrote no HAProxy configuration (is the HAProxy extension there?)"
fi
[ -n "$ext_note" ] && log "(d) skipped: $ext_note"

# --- measure, one target at a time ---
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
to_ms() { # wrk latency (e.g. 512.00us, 1.20ms, 1.01s) in ms
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        printf "%.3f", n }'
}
declare -A rps p50 p99 errors
measure() { # key url
    local key="$1" url="$2" out="$work/wrk-$1.txt"
    log "$key: warm-up ${warmup} s, then ${seconds} s against $url"
    wrk -t"$threads" -c"$connections" -d"${warmup}s" -H "Host: $host_header" "$url" > /dev/null 2>&1 7>&- || true
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Host: $host_header" "$url" > "$out" 2>&1 7>&- \
        || fail "wrk against $url failed" "$out"
    rps[$key]="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
    p50[$key]="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")"
    p99[$key]="$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")"
    errors[$key]="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")"
}
declare -A url=(
    [a]="http://127.0.0.1:${backends[0]}/" [b]="http://127.0.0.1:$router_port/" [c]="http://127.0.0.1:$haproxy_port/"
    [d]="http://127.0.0.1:$ext_port/" [e]="http://127.0.0.1:$bare_port/" [f]="http://127.0.0.1:$alone_port/"
)
for key in $targets; do
    [ "$key" = d ] && [ -n "$ext_note" ] && continue
    measure "$key" "${url[$key]}"
done

# --- report ---
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2fx", x / y; else print "-" }'; }
declare -A label=(
    [a]="(a) nginx backend, direct"
    [b]="(b) portal router (YARP, all features)"
    [c]="(c) HAProxy round-robin (hand-written)"
    [d]="(d) HAProxy, portal extension's config"
    [e]="(e) bare YARP round-robin (reference)"
    [f]="(f) portal's router alone, no portal middleware"
)
cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
[ -n "$cpu" ] || cpu="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"
report="$work/report.md"
{
    echo "wrk -t$threads -c$connections -d${seconds}s --latency, Host: $host_header; warm-up ${warmup} s per target; targets one after another"
    echo "machine: $(nproc) CPUs, $cpu; kernel $(uname -r)"
    echo "versions: dotnet $(dotnet --version), $(haproxy -v | head -n1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | sed 's/^nginx version: //'), wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}')"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "load average (1, 5, 15 min) before the measurements: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows here and spoils the figures)"
    echo
    echo "| target | req/s | p50 ms | p99 ms | req/s vs (c) | p50 vs (c) | p99 vs (c) | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for key in a b c d e f; do
        if [ -z "${rps[$key]:-}" ]; then
            note="not measured"
            [ "$key" = d ] && [ -n "$ext_note" ] && note="$ext_note"
            echo "| ${label[$key]} | - | - | - | - | - | - | $note |"
            continue
        fi
        printf '| %s | %.0f | %.2f | %.2f | %s | %s | %s | %s |\n' "${label[$key]}" "${rps[$key]}" "${p50[$key]}" "${p99[$key]}" \
            "$(ratio "${rps[$key]}" "${rps[c]}")" "$(ratio "${p50[$key]}" "${p50[c]}")" "$(ratio "${p99[$key]}" "${p99[c]}")" "${errors[$key]}"
    done
    echo
    if [ -n "${rps[b]:-}" ]; then awk -v r="${rps[b]}" -v c="${rps[c]}" -v p="${p99[b]}" -v pc="${p99[c]}" 'BEGIN {
        printf "target for (b): req/s >= 0.50x (c): %.2fx, %s; p99 < 2.5 ms: %.2f ms, %s", r / c, (r / c >= 0.5 ? "met" : "NOT met"), p, (p < 2.5 ? "met" : "NOT met");
        printf " (p99 vs (c) %.2fx; where the target was set HAProxy had ~1 ms p99, so 2.5 ms was ~2.5x (c))\n", p / pc }'; fi
} > "$report"
echo
cat "$report"

if [ "$record" = 1 ]; then
    results="$repo/bench/RESULTS.md"
    [ -f "$results" ] || printf '# Benchmark results\n\nAppended by the benchmarks in bench/ (see bench/README.md); newest last.\n' > "$results"
    {
        echo
        echo "## Router, $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo
        echo "Command: \`$command_line\`"
        echo
        sed 's/^\(wrk\|machine\|versions\|date\|load average\|target for\)/- \1/' "$report" | sed '/^- date/d'
    } >> "$results"
    log "recorded in bench/RESULTS.md"
fi
