#!/usr/bin/env bash
# Runs the test suite as CI does (`npm test`; arguments are passed on, e.g. a tier's folder or a
# file) with both cores saturated by stress-ng, as on a machine that is busy with other work:
# no test may depend on the machine being idle. Not part of CI (it would only make CI slower).
# Needs Debian's stress-ng: apt-get install stress-ng.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v stress-ng >/dev/null 2>&1; then
  echo "stress-ng is not installed: apt-get install stress-ng" >&2
  exit 2
fi

# The timeout is only a safety net should this script itself be killed; the trap ends it first.
stress-ng --cpu "${STRESS_CPUS:-2}" --timeout 3h --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null' EXIT INT TERM

npm test -- "$@"
