#!/usr/bin/env bash
# The test command (`npm test`): type check, TypeScript tests (vitest), then the Python
# compatibility suite (scripts/test-python.sh), twice: the server on SQLite, then on a real
# PostgreSQL. Every step runs even when an earlier one fails. The last line is
# `tests: N passed, N failed`, summed from vitest's JSON report and both runs' JUnit XML
# (pytest's); a step that fails without a failed test to show for it (a type error,
# a runner that crashed, a Python environment that could not be built) counts as one failure.
# Exits non-zero if anything failed. Reports and logs go to test-output/.
set -uo pipefail
cd "$(dirname "$0")/.."

out=test-output
mkdir -p "$out"
rm -f "$out/vitest.json" "$out/pytest.xml" "$out/pytest-postgres.xml"

passed=0
failed=0
summary=()

banner() { printf '\n=== %s ===\n' "$1"; }

# Adds a step's counts ("PASSED FAILED", or empty when its report is missing) to the totals;
# a failed exit with no failed test counts as one failure.
tally() {
  local name=$1 rc=$2 counts=$3 p=0 f=0
  [[ -n $counts ]] && read -r p f <<<"$counts"
  if ((rc != 0 && f == 0)); then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  summary+=("$(printf '%-11s %s passed, %s failed (exit %s)' "$name:" "$p" "$f" "$rc")")
}

banner "typecheck: tsc --noEmit (src, tests, bench) and tsc -p web"
npm run --silent typecheck 2>&1 | tee "$out/typecheck.log"
rc=${PIPESTATUS[0]}
if ((rc == 0)); then tally typecheck 0 ""; else tally typecheck "$rc" ""; fi

banner "TypeScript tests: vitest"
bash scripts/browser.sh # Debian's Chromium for the browser tests (tests/ts/ui), installed once
bash scripts/sandbox-setup.sh # bwrap and the aviary-sandbox user the model sandbox needs, installed once
bash scripts/kafka-setup.sh >/dev/null # Apache Kafka's jars for the tests' real Kafka, fetched once (needs Java and Maven)
bash scripts/postgres-setup.sh >/dev/null # Debian's PostgreSQL for the tests' real PostgreSQL (tests/ts/postgres/), installed once
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json" 2>&1 |
  tee "$out/vitest.log"
rc=${PIPESTATUS[0]}
counts=$(node -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  if (!fs.existsSync(file)) process.exit(0);
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  // A test file that failed to load has no failed test of its own: count it once.
  const broken = (r.testResults ?? []).filter(
    (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
  console.log(`${r.numPassedTests ?? 0} ${(r.numFailedTests ?? 0) + broken}`);
' "$out/vitest.json" 2>/dev/null)
tally vitest "$rc" "$counts"

# "PASSED FAILED" from a pytest JUnit XML report; empty when it is missing.
junit_counts() {
  node -e '
    const fs = require("node:fs");
    const file = process.argv[1];
    if (!fs.existsSync(file)) process.exit(0);
    const suite = /<testsuite\b[^>]*>/.exec(fs.readFileSync(file, "utf8"));
    if (!suite) process.exit(0);
    const n = (k) => Number((new RegExp(`\\b${k}="(\\d+)"`).exec(suite[0]) ?? [0, 0])[1]);
    const bad = n("failures") + n("errors");
    console.log(`${n("tests") - bad - n("skipped")} ${bad}`);
  ' "$1" 2>/dev/null
}

banner "Python compatibility tests: pytest with the mlflow client"
bash scripts/test-python.sh --junitxml="$out/pytest.xml" 2>&1 | tee "$out/pytest.log"
rc=${PIPESTATUS[0]}
tally pytest "$rc" "$(junit_counts "$out/pytest.xml")"

banner "Python compatibility tests again, the server's database on PostgreSQL"
AVIARY_TEST_BACKEND=postgres bash scripts/test-python.sh --junitxml="$out/pytest-postgres.xml" 2>&1 | tee "$out/pytest-postgres.log"
rc=${PIPESTATUS[0]}
tally pytest-pg "$rc" "$(junit_counts "$out/pytest-postgres.xml")"

banner "summary"
printf '%s\n' "${summary[@]}"
printf 'tests: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
