#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (Debian packages
# for Chromium, Redis and ClickHouse; npm packages), builds the app and the
# dashboard, lints (ESLint, type-aware), then runs the whole Vitest suite. The engine suites bring up the
# local Kafka, Redis and ClickHouse themselves (test/global-setup.ts) and fail,
# never skip, when one cannot be started. Then the fault suite (npm run
# test:faults, ~4 minutes, on its own engines; OMNILANE_SKIP_FAULTS=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
if [ ! -d node_modules ] || ! npm ls --depth=0 >/dev/null 2>&1; then
  echo "[test] installing npm packages (locked versions)"
  npm install --no-audit --no-fund
fi
echo "[test] layer rules and import cycles (npm run lint:deps)"
npm run -s lint:deps
echo "[test] building app and dashboard"
npm run -s build >/dev/null
echo "[test] dependency audit (high and critical advisories fail the build)"
bash scripts/dependency-audit.sh

mkdir -p .cache
status=0
# A lint error fails the run, but the tests still run so one CI pass shows both.
echo "[test] ESLint, type-aware (npm run lint)"
npm run -s lint || status=$?
echo "[test] formatting (npm run format:check)"
npm run -s format:check || status=$?
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-report.json "$@" || status=$?
reports=(.cache/vitest-report.json)
if [ "${OMNILANE_SKIP_FAULTS:-0}" != "1" ]; then
  # Kills and freezes engines: its own Kafka, Redis and ClickHouse (scripts/stack.sh on free ports), never the
  # shared ones the suite above used. Prints the fault table; the report is .cache/faults-report.json.
  echo "[test] fault suite (npm run test:faults)"
  npx vitest run --config vitest.faults.config.ts --reporter=default --reporter=json --outputFile.json=.cache/vitest-faults-report.json || status=$?
  reports+=(.cache/vitest-faults-report.json)
fi
# One plain closing line that any CI can read.
node -e '
  const fs = require("fs");
  let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { f++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);
' "${reports[@]}" || true
exit "$status"
