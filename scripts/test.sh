#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (Debian packages
# for Chromium, Redis and ClickHouse; npm packages), builds the app and the
# dashboard, then runs the whole Vitest suite. The engine suites bring up the
# local Kafka, Redis and ClickHouse themselves (test/global-setup.ts) and fail,
# never skip, when one cannot be started.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
if [ ! -d node_modules ] || ! npm ls --depth=0 >/dev/null 2>&1; then
  echo "[test] installing npm packages (locked versions)"
  npm install --no-audit --no-fund
fi
echo "[test] building app and dashboard"
npm run -s build >/dev/null

mkdir -p .cache
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-report.json "$@" || status=$?
# One plain closing line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest-report.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
