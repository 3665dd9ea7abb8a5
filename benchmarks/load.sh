#!/usr/bin/env bash
# The load run: two gunicorn instances (ports 8107 and 8108) on one PostgreSQL database, a mixed 60-second run
# at 32 connections (16 on each instance) with wrk, first without a cache, then with the Redis cache on.
# Prints requests/s, p50/p95/p99 and errors per instance, and checks the view counter after the runs.
#
#   LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hojo_load benchmarks/load.sh
#
# The database must already hold the data set (generate_demo_data --count 200000, or load_demo for a smoke
# run). Not part of CI: it takes minutes and its figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${LOAD_DATABASE_URL:?set LOAD_DATABASE_URL to the PostgreSQL database holding the data set}"
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
PORTS=(${LOAD_PORTS:-8107 8108})
DURATION=${LOAD_DURATION:-60s}
CONNECTIONS=${LOAD_CONNECTIONS:-32}
THREADS=${LOAD_THREADS:-2}
LOAD_CACHE_URL=${LOAD_CACHE_URL:-redis://127.0.0.1:6379/2}
OUT=${LOAD_OUT:-benchmarks/results}
mkdir -p "$OUT"

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-load-run-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')}
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL=${SITE_URL:-http://127.0.0.1}
export DJANGO_SECURE_SSL_REDIRECT=0  # plain HTTP on the loopback; TLS is the load balancer's job
export DATABASE_URL=$LOAD_DATABASE_URL
export DJANGO_LOG_LEVEL=ERROR GUNICORN_ACCESS_LOG=/dev/null

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY benchmarks/urls.py >"$OUT/urls.txt"
export LOAD_URLS="$OUT/urls.txt"

PIDS=()
start_servers() {  # $1: CACHE_URL ("" for none)
  for port in "${PORTS[@]}"; do
    CACHE_URL=$1 GUNICORN_BIND=127.0.0.1:$port $GUNICORN -c gunicorn.conf.py config.wsgi \
      >"$OUT/gunicorn-$port.log" 2>&1 &
    PIDS+=($!)
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "instance on $port did not start"; exit 1; }
  done
}
stop_servers() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_servers EXIT

views() { $PY manage.py shell -v0 -c "from django.db.models import Sum; from subsidies.models import Subsidy; print(Subsidy.objects.aggregate(s=Sum('view_count'))['s'] or 0)"; }

# Requests that wrk gave up on (its timeout) may still be served afterwards: wait until the count stops moving.
drained_views() {
  local last now
  last=$(views)
  for _ in $(seq 1 60); do sleep 2; now=$(views); [ "$now" = "$last" ] && break; last=$now; done
  echo "$last"
}

# Each process builds its listing index on its first listing request and asks the database once for each
# keyword it has not seen (or, with the cache, reads it from Redis): a warm-up run at the same concurrency,
# not measured, lets the measured run show the steady state. LOAD_WARMUP=0 measures from a cold start.
WARMUP=${LOAD_WARMUP:-20s}
warm_up() { [ "$WARMUP" = "0" ] || run "warmup-$1" "$WARMUP" >/dev/null; }

run() {  # $1: label, $2: duration (default DURATION)
  local label=$1 per=$((CONNECTIONS / ${#PORTS[@]})) wrk_pids=()
  for port in "${PORTS[@]}"; do
    wrk -t"$THREADS" -c"$per" -d"${2:-$DURATION}" --timeout "${LOAD_TIMEOUT:-10s}" --latency -s benchmarks/mixed.lua "http://127.0.0.1:$port" \
      >"$OUT/wrk-$label-$port.txt" 2>&1 &
    wrk_pids+=($!)
  done
  for pid in "${wrk_pids[@]}"; do wait "$pid"; done
  for port in "${PORTS[@]}"; do echo "$label :$port $(grep '^RESULT' "$OUT/wrk-$label-$port.txt" | cut -c8-)"; done
}


# wrk's per-response bookkeeping cannot say exactly which requests were detail pages (a thread's connections
# interleave, and requests in flight at the end are served but not reported), so the counter is checked in a
# separate, exact burst: COUNTER_REQUESTS detail requests, 32 at a time, alternating between the instances,
# each without a cookie (a new browser every time), and the views added must equal the 200 responses.
COUNTER_REQUESTS=${COUNTER_REQUESTS:-2000}
check_counter() {  # $1: label
  local detail before served after
  detail=$(grep -m1 -E '^/subsidies/[0-9]+/$' "$LOAD_URLS" || true)
  if [ "$COUNTER" != yes ] || [ -z "$detail" ]; then echo "$1 view counter: not on this build — skipped"; return; fi
  before=$(drained_views)
  served=$(seq 1 "$COUNTER_REQUESTS" | xargs -P 32 -I{} sh -c \
    'curl -s -o /dev/null -A "Mozilla/5.0 (load test)" -w "%{http_code}\n" "http://127.0.0.1:$(( {} % 2 ? '"${PORTS[0]}"' : '"${PORTS[1]}"' ))'"$detail"'"' \
    | grep -c '^200$' || true)
  after=$(views)
  if [ "$((after - before))" -eq "$served" ]; then
    echo "$1 view counter: exact (+$((after - before)) for $served detail pages served concurrently by both instances)"
  else
    echo "$1 view counter: WRONG (+$((after - before)) for $served detail pages served)"; FAILED=1
  fi
}

FAILED=0
echo "== no cache"
start_servers ""
before=$(views)
first=$(head -n1 "$LOAD_URLS"); detail=$(grep -m1 -E '^/subsidies/[0-9]+/$' "$LOAD_URLS" || true)
COUNTER=no
if [ -n "$detail" ]; then
  curl -fs -A "Mozilla/5.0 (load test)" "http://127.0.0.1:${PORTS[0]}$detail" >/dev/null
  [ "$(views)" -gt "$before" ] && COUNTER=yes
fi
warm_up nocache
run nocache
check_counter nocache
stop_servers

echo "== Redis cache ($LOAD_CACHE_URL)"
redis-cli -u "$LOAD_CACHE_URL" FLUSHDB >/dev/null
start_servers "$LOAD_CACHE_URL"
warm_up cache
run cache
check_counter cache
stop_servers

if grep -h '^RESULT.*\(non200\|socket_errors\)=[1-9]' "$OUT"/wrk-nocache-*.txt "$OUT"/wrk-cache-*.txt; then echo "ERRORS in the runs above"; FAILED=1; fi
exit $FAILED
