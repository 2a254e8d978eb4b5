#!/usr/bin/env bash
# Omnilane's local engines without Docker: Kafka (KRaft, from Maven Central jars), ClickHouse and Redis
# (Debian packages), on loopback ports, data under one folder. See docs/operations-stack.md.
#
#   npm run -s stack -- up [kafka|clickhouse|redis ...]     install what is missing, start, wait until ready
#   npm run -s stack -- down [--purge] [engine ...]         stop (SIGTERM, wait, SIGKILL); --purge also deletes data
#   npm run -s stack -- status                              one line per engine; exit 0 only if all are up
#   npm run -s stack -- env                                 KAFKA_BROKERS=… REDIS_URL=… CLICKHOUSE_URL=… (stdout only)
#   npm run -s stack -- jars                                fetch the Kafka jars only (tests that start their own broker)
#   npm run -s stack -- restart | purge | logs [engine]
#
# Everything except `env`'s lines and `status`'s table goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/scripts/stack"

STACK_DIR="${OMNILANE_STACK_DIR:-$ROOT/.cache/stack}"
KAFKA_VERSION="${OMNILANE_KAFKA_VERSION:-4.4.0}"
KAFKA_CACHE="${OMNILANE_KAFKA_CACHE:-$ROOT/.cache/kafka}"
KAFKA_HEAP="${OMNILANE_KAFKA_HEAP:-512m}"
HOST=127.0.0.1
KAFKA_PORT="${OMNILANE_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${OMNILANE_KAFKA_CONTROLLER_PORT:-19093}"
CLICKHOUSE_HTTP_PORT="${OMNILANE_CLICKHOUSE_HTTP_PORT:-18123}"
CLICKHOUSE_TCP_PORT="${OMNILANE_CLICKHOUSE_TCP_PORT:-19000}"
CLICKHOUSE_INTERSERVER_PORT="${OMNILANE_CLICKHOUSE_INTERSERVER_PORT:-19009}"
CLICKHOUSE_CONFIG="${OMNILANE_CLICKHOUSE_CONFIG:-/etc/clickhouse-server/config.xml}"
REDIS_PORT="${OMNILANE_REDIS_PORT:-16379}"
READY_TIMEOUT="${OMNILANE_STACK_TIMEOUT:-90}"

case "$STACK_DIR" in /*) ;; *) STACK_DIR="$PWD/$STACK_DIR" ;; esac   # pid checks compare absolute paths

ALL_ENGINES=(kafka clickhouse redis)
LOGS="$STACK_DIR/logs"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# --- pid bookkeeping --------------------------------------------------------------------------------
pidfile() {
  case "$1" in
    kafka) echo "$STACK_DIR/kafka/kafka.pid" ;;
    clickhouse) echo "$STACK_DIR/clickhouse/clickhouse.pid" ;;
    redis) echo "$STACK_DIR/redis/redis.pid" ;;
  esac
}
# A string that must appear in /proc/PID/cmdline, so a recycled pid is never taken for ours.
cmd_marker() {
  case "$1" in
    kafka) echo "$STACK_DIR/kafka/server.properties" ;;
    clickhouse) echo "--path=$STACK_DIR/clickhouse/data/" ;;
    redis) echo "redis-server" ;;
  esac
}
# Prints the pid of the engine started from this STACK_DIR, or fails.
engine_pid() {
  local f pid
  f="$(pidfile "$1")"
  [ -s "$f" ] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(cmd_marker "$1")" || return 1
  echo "$pid"
}

main_port() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    clickhouse) echo "$CLICKHOUSE_HTTP_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
  esac
}
address() {
  case "$1" in
    kafka) echo "$HOST:$KAFKA_PORT" ;;
    clickhouse) echo "http://$HOST:$CLICKHOUSE_HTTP_PORT" ;;
    redis) echo "redis://$HOST:$REDIS_PORT" ;;
  esac
}

# --- health checks (fast, single shot) -------------------------------------------------------------
healthy() {
  case "$1" in
    kafka) port_open "$KAFKA_PORT" ;;
    clickhouse) [ "$(curl -fsS -m 2 "http://$HOST:$CLICKHOUSE_HTTP_PORT/ping" 2>/dev/null)" = "Ok." ] ;;
    redis) [ "$(timeout 2 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] ;;
  esac
}

tail_log() { [ -f "$1" ] && { log "last lines of $1:"; tail -n "${2:-25}" "$1" | sed 's/^/    /' >&2; } || true; }

# --- installation ----------------------------------------------------------------------------------
ensure_system_deps() {
  [ "${OMNILANE_SKIP_SYSTEM_DEPS:-0}" = "1" ] && return 0
  if ! bash "$ROOT/scripts/install-system-deps.sh" --check 2>/dev/null; then
    bash "$ROOT/scripts/install-system-deps.sh" || die "installing system packages failed"
  fi
}

KAFKA_LIBS="$KAFKA_CACHE/$KAFKA_VERSION/libs"
ensure_kafka_jars() {
  [ -f "$KAFKA_LIBS/.complete" ] && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found (scripts/install-system-deps.sh installs it)"
  local t0 tmp out
  t0=$(now_ms)
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into ${KAFKA_LIBS#"$ROOT"/} (first run only)"
  mkdir -p "$KAFKA_CACHE/$KAFKA_VERSION"
  tmp="$(mktemp -d "$KAFKA_CACHE/$KAFKA_VERSION/.libs.XXXXXX")"
  out="$tmp.mvn.log"
  if ! mvn -B -q -Dstyle.color=never -f "$HERE/kafka-pom.xml" \
      -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    rm -rf "$tmp" "$out"
    die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
  fi
  rm -f "$out"
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka_2.13 jar missing after mvn"; }
  touch "$tmp/.complete"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  log "Kafka jars ready ($(ls "$KAFKA_LIBS"/*.jar | wc -l) jars) in $(elapsed "$t0")"
}

check_java() {
  command -v java >/dev/null 2>&1 || die "java not found (Kafka 4.x needs Java 17+)"
  local v
  v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [ -n "$v" ] && [ "$v" -ge 17 ] || die "Kafka 4.x needs Java 17+, found: $(java -version 2>&1 | head -n1)"
}

# --- Kafka -----------------------------------------------------------------------------------------
kafka_cmd() { # sets KAFKA_CMD to the java command line, main class and args appended
  # shellcheck disable=SC2206
  KAFKA_CMD=(java -Xms128m -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$HERE/kafka-log4j2.properties"
    ${OMNILANE_KAFKA_JAVA_OPTS:-} -cp "$KAFKA_LIBS/*" "$@")
}

write_kafka_config() {
  local d="$STACK_DIR/kafka"
  cat >"$d/server.properties" <<EOF
# Generated by scripts/stack.sh on every 'up' (edits are overwritten). Single node, KRaft combined mode.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
# One broker: internal topics must have replication factor 1, or consumer groups never find a
# coordinator (kafkajs issue #1752) and idempotent/transactional producers never initialise.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer internal partitions than the default 50: faster first start on a 2-core machine.
offsets.topic.num.partitions=8
transaction.state.log.num.partitions=8
share.coordinator.state.topic.num.partitions=8
group.initial.rebalance.delay.ms=0
# Lets a deployment choose KAFKA_SESSION_TIMEOUT_MS below the stock 6 s minimum (a killed stream worker's
# partitions move to the others after the session timeout).
group.min.session.timeout.ms=2000
# After a SIGKILL the restarted broker waits until the controller expires its previous registration
# (default 9 s); a short session keeps that restart quick on a single node.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=1000
auto.create.topics.enable=true
delete.topic.enable=true
# Dev box: keep disk use bounded.
log.retention.hours=24
log.segment.bytes=134217728
num.network.threads=2
num.io.threads=4
EOF
}

start_kafka() {
  check_java
  ensure_kafka_jars
  local d="$STACK_DIR/kafka"
  mkdir -p "$d/data" "$LOGS"
  write_kafka_config
  if [ ! -f "$d/data/meta.properties" ]; then
    local id
    id="$(cat "$d/cluster.id" 2>/dev/null || true)"
    if [ -z "$id" ]; then
      # Kafka cluster ids are 16 random bytes, base64url without padding (22 chars), not starting with '-'.
      id="-"
      while [ "${id:0:1}" = "-" ]; do
        id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
      done
      echo "$id" >"$d/cluster.id"
    fi
    log "formatting Kafka storage (cluster id $id)"
    kafka_cmd kafka.tools.StorageTool format --ignore-formatted -t "$id" -c "$d/server.properties"
    if ! "${KAFKA_CMD[@]}" >"$LOGS/kafka-format.log" 2>&1; then
      tail_log "$LOGS/kafka-format.log" 30
      die "Kafka storage format failed"
    fi
  fi
  [ -f "$LOGS/kafka.log" ] && mv -f "$LOGS/kafka.log" "$LOGS/kafka.log.1"
  kafka_cmd kafka.Kafka "$d/server.properties"
  # setsid: own session, so Ctrl-C in the calling terminal or a test runner killing its process group does
  # not take the broker down. In a non-interactive shell setsid and nohup exec, so $! is java's pid.
  # 9>&-: the daemon must not inherit the stack lock.
  ( cd "$d" && exec setsid nohup "${KAFKA_CMD[@]}" >"$LOGS/kafka.log" 2>&1 </dev/null 9>&- ) &
  echo $! >"$d/kafka.pid"
}

wait_kafka() {
  local deadline=$(( $(date +%s) + READY_TIMEOUT )) pid
  while :; do
    pid="$(engine_pid kafka)" || { tail_log "$LOGS/kafka.log" 40; die "Kafka exited during start-up (log: $LOGS/kafka.log)"; }
    if port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$LOGS/kafka.log" 2>/dev/null; then break; fi
    [ "$(date +%s)" -lt "$deadline" ] || { tail_log "$LOGS/kafka.log" 40; die "Kafka not listening on $HOST:$KAFKA_PORT after ${READY_TIMEOUT}s"; }
    sleep 0.2
  done
  kafka_client_check "$(( deadline - $(date +%s) ))"
}

# Metadata + group coordinator + idempotent producer, with kafkajs when node_modules has it.
kafka_client_check() {
  local left="${1:-30}" rc=0
  [ "$left" -gt 5 ] || left=5
  command -v node >/dev/null 2>&1 || { log "node not found: Kafka checked by TCP and log only"; return 0; }
  ( cd "$ROOT" && node "$HERE/kafka-ready.mjs" "$HOST:$KAFKA_PORT" "$left" >/dev/null ) || rc=$?
  case "$rc" in
    0) return 0 ;;
    2) log "kafkajs not in node_modules (run npm ci): Kafka checked by TCP and log only"; return 0 ;;
    *) tail_log "$LOGS/kafka.log" 40; die "Kafka listens on $HOST:$KAFKA_PORT but its coordinators did not become ready" ;;
  esac
}

# --- ClickHouse ------------------------------------------------------------------------------------
start_clickhouse() {
  command -v clickhouse-server >/dev/null 2>&1 || die "clickhouse-server not installed"
  [ -f "$CLICKHOUSE_CONFIG" ] || die "ClickHouse config $CLICKHOUSE_CONFIG not found"
  local d="$STACK_DIR/clickhouse"
  mkdir -p "$d/data/tmp" "$d/data/user_files" "$d/data/format_schemas" "$LOGS"  # daemon mode dies silently without its log dir
  rm -f "$d/clickhouse.pid"
  # Overrides after `--` replace keys of the packaged config: data, tmp, user files and logs under the stack
  # dir, our ports, loopback only (listen_try: don't fail where ::1 is unavailable).
  ( cd "$d" && clickhouse-server --config-file="$CLICKHOUSE_CONFIG" --daemon --pid-file="$d/clickhouse.pid" -- \
      --path="$d/data/" --tmp_path="$d/data/tmp/" --user_files_path="$d/data/user_files/" \
      --format_schema_path="$d/data/format_schemas/" \
      --logger.log="$LOGS/clickhouse.log" --logger.errorlog="$LOGS/clickhouse.err.log" --logger.level=warning \
      --http_port="$CLICKHOUSE_HTTP_PORT" --tcp_port="$CLICKHOUSE_TCP_PORT" \
      --interserver_http_port="$CLICKHOUSE_INTERSERVER_PORT" --interserver_http_host="$HOST" \
      --listen_try=1 --mark_cache_size=268435456 --uncompressed_cache_size=268435456 \
      >"$LOGS/clickhouse.stdout.log" 2>&1 9>&- ) || { tail_log "$LOGS/clickhouse.stdout.log"; die "clickhouse-server failed to start"; }
}

wait_simple() { # engine
  local e="$1" deadline=$(( $(date +%s) + READY_TIMEOUT )) logf
  case "$e" in clickhouse) logf="$LOGS/clickhouse.err.log" ;; redis) logf="$LOGS/redis.log" ;; esac
  while ! healthy "$e"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then tail_log "$logf" 30; die "$e not ready on $(address "$e") after ${READY_TIMEOUT}s"; fi
    # the daemon writes its pidfile a moment after forking; only give up on it after a grace period
    if [ "$(date +%s)" -ge $(( deadline - READY_TIMEOUT + 5 )) ] && ! engine_pid "$e" >/dev/null; then
      tail_log "$logf" 30; die "$e exited during start-up (log: $logf)"
    fi
    sleep 0.1
  done
}

# --- Redis -----------------------------------------------------------------------------------------
start_redis() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server not installed"
  local d="$STACK_DIR/redis"
  mkdir -p "$d/data" "$LOGS"
  rm -f "$d/redis.pid"
  redis-server --port "$REDIS_PORT" --bind "$HOST" --protected-mode yes \
    --save "" --appendonly no --daemonize yes \
    --pidfile "$d/redis.pid" --dir "$d/data" --logfile "$LOGS/redis.log" \
    >/dev/null 9>&- || die "redis-server failed to start (log: $LOGS/redis.log)"
}

# --- commands --------------------------------------------------------------------------------------
with_lock() {
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.lock"
  if ! flock -n 9; then
    log "another stack.sh is starting/stopping engines in $STACK_DIR; waiting"
    flock -w 600 9 || die "timed out waiting for $STACK_DIR/.lock"
  fi
}

parse_engines() {
  ENGINES=()
  local a
  for a in "$@"; do
    case "$a" in
      kafka|clickhouse|redis) ENGINES+=("$a") ;;
      *) die "unknown engine '$a' (kafka, clickhouse, redis)" ;;
    esac
  done
  [ "${#ENGINES[@]}" -gt 0 ] || ENGINES=("${ALL_ENGINES[@]}")
}

cmd_up() {
  parse_engines "$@"
  local t_all e pid started=()
  local -A t_start=()
  t_all=$(now_ms)
  with_lock
  ensure_system_deps
  # Start everything first (Kafka's JVM boots while ClickHouse and Redis come up), then wait for each.
  for e in "${ENGINES[@]}"; do
    if pid="$(engine_pid "$e")"; then
      if [ "$e" = kafka ]; then kafka_client_check 30; else wait_simple "$e"; fi
      log "$e already running (pid $pid) on $(address "$e")"
      continue
    fi
    if port_open "$(main_port "$e")"; then
      if healthy "$e"; then
        [ "$e" = kafka ] && kafka_client_check 15
        log "$e: $(address "$e") is already served by a process not started from $STACK_DIR; using it as is"
        continue
      fi
      die "port $(main_port "$e") is taken by something that is not $e; set the OMNILANE_*_PORT variables (docs/operations-stack.md)"
    fi
    log "starting $e on $(address "$e")"
    t_start[$e]=$(now_ms)
    "start_$e"
    started+=("$e")
  done
  # Each engine's readiness is timed from its own start, and the quick ones (Redis, ClickHouse) are waited for
  # before Kafka's JVM, so a line never reports the time spent waiting for another engine.
  local pending=() rest deadline=$(( $(date +%s) + READY_TIMEOUT ))
  for e in "${started[@]+"${started[@]}"}"; do [ "$e" = kafka ] || pending+=("$e"); done
  while [ "${#pending[@]}" -gt 0 ]; do
    rest=()
    for e in "${pending[@]}"; do
      if healthy "$e"; then
        log "$e ready $(elapsed "${t_start[$e]}") after its start (pid $(engine_pid "$e" || echo '?'))"
      elif [ "$(date +%s)" -ge "$deadline" ]; then
        die "$e not ready on $(address "$e") after ${READY_TIMEOUT}s"
      else
        rest+=("$e")
      fi
    done
    pending=("${rest[@]+"${rest[@]}"}")
    [ "${#pending[@]}" -eq 0 ] || sleep 0.05
  done
  for e in "${started[@]+"${started[@]}"}"; do
    [ "$e" = kafka ] || continue
    wait_kafka
    log "$e ready $(elapsed "${t_start[$e]}") after its start (pid $(engine_pid "$e" || echo '?'))"
  done
  log "stack up in $(elapsed "$t_all"); point Omnilane at it with: eval \"\$(npm run -s stack -- env)\""
}

stop_engine() { # engine timeoutSeconds
  local e="$1" timeout="$2" pid i
  if ! pid="$(engine_pid "$e")"; then
    rm -f "$(pidfile "$e")"
    if port_open "$(main_port "$e")"; then
      log "$e: not started from $STACK_DIR, but port $(main_port "$e") is in use by another process; leaving it alone"
    else
      log "$e already stopped"
    fi
    return 0
  fi
  log "stopping $e (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$e did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.3
  fi
  rm -f "$(pidfile "$e")"
}

cmd_down() {
  local purge=0 args=() a e pid
  for a in "$@"; do
    case "$a" in
      --purge|-p) purge=1 ;;
      *) args+=("$a") ;;
    esac
  done
  parse_engines "${args[@]+"${args[@]}"}"
  with_lock
  # Stop in parallel (Kafka's controlled shutdown takes a few seconds), then delete data if asked.
  local pids=()
  for e in "${ENGINES[@]}"; do
    case "$e" in
      kafka) stop_engine kafka 30 & ;;
      clickhouse) stop_engine clickhouse 20 & ;;
      redis) stop_engine redis 10 & ;;
    esac
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  for e in "${ENGINES[@]}"; do
    if [ "$purge" = 1 ]; then
      rm -rf "${STACK_DIR:?}/$e"
      rm -f "$LOGS/$e".*log* "$LOGS/$e-format.log"
      log "$e data deleted"
    fi
  done
}

cmd_status() {
  local e pid all=0 state detail
  for e in "${ALL_ENGINES[@]}"; do
    detail=""
    if pid="$(engine_pid "$e")"; then
      if healthy "$e"; then state=up; else state=starting; all=1; fi
      detail="pid $pid"
    elif port_open "$(main_port "$e")" && healthy "$e"; then
      state=up; detail="external: not started from this stack dir"
    else
      state=down; all=1
    fi
    [ "$e" = kafka ] && detail="${detail:+$detail, }Kafka $KAFKA_VERSION"
    printf '%-11s %-9s %-28s %s\n' "$e" "$state" "$(address "$e")" "${detail:+($detail)}"
  done
  printf '%-11s %s\n' "data" "$STACK_DIR"
  return "$all"
}

cmd_env() {
  printf 'KAFKA_BROKERS=%s:%s\n' "$HOST" "$KAFKA_PORT"
  printf 'REDIS_URL=redis://%s:%s\n' "$HOST" "$REDIS_PORT"
  printf 'CLICKHOUSE_URL=http://%s:%s\n' "$HOST" "$CLICKHOUSE_HTTP_PORT"
}

cmd_logs() {
  parse_engines "$@"
  local e
  for e in "${ENGINES[@]}"; do
    case "$e" in
      kafka) tail_log "$LOGS/kafka.log" 40 ;;
      clickhouse) tail_log "$LOGS/clickhouse.err.log" 40 ;;
      redis) tail_log "$LOGS/redis.log" 20 ;;
    esac
  done
}

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  up|start) cmd_up "$@" ;;
  down|stop) cmd_down "$@" ;;
  restart) cmd_down "$@"; cmd_up "$@" ;;
  purge) cmd_down --purge "$@" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  logs) cmd_logs "$@" ;;
  jars) check_java; ensure_kafka_jars ;;
  -h|--help|help) usage ;;
  *) usage; exit 64 ;;
esac
