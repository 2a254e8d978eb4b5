#!/usr/bin/env bash
# Installs the Debian packages Omnilane's local engines and browser tests need, only when missing.
#
#   bash scripts/install-system-deps.sh          # install what is missing (needs root or sudo)
#   bash scripts/install-system-deps.sh --check  # exit 1 and list what is missing, install nothing
#
# Idempotent: when everything is present it does nothing (no apt-get update, no network).
# Services are never enabled or started here: there is no systemd on these machines and
# scripts/stack.sh starts redis-server and clickhouse-server itself, on its own ports and data dir.
set -euo pipefail

log() { printf '[install-system-deps] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CHECK_ONLY=0
case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  ""|--install) ;;
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  *) die "unknown argument: $1 (use --check or nothing)" ;;
esac

# package -> why. Debian 12 (bookworm) names.
PACKAGES=(
  chromium            # browser tests: playwright-core with executablePath /usr/bin/chromium
  fonts-noto-cjk      # Chinese glyphs in Chromium screenshots (zh-CN board); without it they render as boxes
  redis-server        # StateStore engine (pulls redis-tools: redis-cli)
  redis-tools
  clickhouse-server   # Warehouse engine (Debian ships 18.16.1)
  clickhouse-client
  curl                # readiness checks (ClickHouse /ping)
  procps              # ps/pgrep/pkill used by stack.sh
  ca-certificates
)
# Toolchains stack.sh needs for Kafka; installed only when the command is absent
# (the machine image normally ships them).
command -v java >/dev/null 2>&1 || PACKAGES+=(openjdk-17-jre-headless)
command -v mvn  >/dev/null 2>&1 || PACKAGES+=(maven)

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for p in "${PACKAGES[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all system packages present"
  exit 0
fi

if [ "$CHECK_ONLY" -eq 1 ]; then
  log "missing: ${missing[*]}"
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo; install as root: ${missing[*]}"
  SUDO="sudo"
fi

log "installing: ${missing[*]}"

# Keep package maintainer scripts from starting services (redis on :6379, clickhouse on :8123/:9000).
# policy-rc.d exit 101 = "action forbidden". Only add it when none exists, and remove it afterwards.
POLICY=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  added_policy=1
fi
cleanup() { if [ "$added_policy" -eq 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
out=$(mktemp)

log "apt-get update"
if ! $SUDO apt-get "${APT_OPTS[@]}" update -qq >"$out" 2>&1; then
  cat "$out" >&2; rm -f "$out"; die "apt-get update failed"
fi
if ! $SUDO apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}" >"$out" 2>&1; then
  tail -n 40 "$out" >&2; rm -f "$out"; die "apt-get install failed: ${missing[*]}"
fi
rm -f "$out"

# Belt and braces: if a maintainer script did start a system-wide instance anyway (an init that ignores
# policy-rc.d), stop it so it does not hold the default ports. stack.sh uses its own ports regardless.
for svc in redis-server clickhouse-server; do
  if command -v service >/dev/null 2>&1 && [ -x "/etc/init.d/$svc" ]; then
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
done

still=()
for p in "${missing[@]}"; do is_installed "$p" || still+=("$p"); done
[ "${#still[@]}" -eq 0 ] || die "still missing after install: ${still[*]}"
log "installed: ${missing[*]}"
