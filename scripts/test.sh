#!/usr/bin/env bash
# The one test command (README): system packages, static checks, unit tests, lab tests on real Corosync,
# the build (and the built BFF starting), the Playwright end-to-end tests in Debian's Chromium.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts

# --- system packages: install what is missing when root, else say exactly what to install
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v corosync >/dev/null 2>&1 || missing+=(corosync)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
# the lab's QDevice (tools/lab qnetd.ts, qdevice.ts): corosync-qdevice on the nodes, corosync-qnetd in its own namespace
command -v corosync-qdevice >/dev/null 2>&1 || missing+=(corosync-qdevice)
command -v corosync-qnetd >/dev/null 2>&1 || missing+=(corosync-qnetd)
command -v sshd >/dev/null 2>&1 || missing+=(openssh-server)
# ping: the join pre-flight's probes between lab namespaces (tools/lab probe.ts)
command -v ping >/dev/null 2>&1 || missing+=(iputils-ping)
# promtool: `promtool check rules` / `test rules` on deploy/prometheus (apps/bff/src/prometheus.test.ts); the server is not wanted
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# PostgreSQL's binaries: the SQL store's tests (packages/store/src/sql) start their own throwaway server
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# nginx: deploy/nginx/quorate.conf is run in front of a BFF (apps/bff/src/deploy-nginx.test.ts)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# openssl: that test's throwaway certificate
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# redis-server: the replicas' fan-out through Redis streams (apps/bff/src/replicas/feed.test.ts starts its own)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "== installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { echo "apt-get install ${missing[*]} failed" >&2; exit 1; }
    # the prometheus package enables (and on a systemd host starts) its server: only promtool is wanted here
    if [[ " ${missing[*]} " == *" prometheus "* ]]; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
    # corosync-qnetd enables (and where it may, starts) a system qnetd on *:5403: the lab runs its own, in a namespace
    # with its own NSS db, lock file and socket, so a system one would not collide; it is just not wanted
    if [[ " ${missing[*]} " == *" corosync-qnetd "* ]]; then
      systemctl disable --now corosync-qnetd >/dev/null 2>&1 || service corosync-qnetd stop >/dev/null 2>&1 || true
    fi
    # nginx enables (and where it may, starts) a default site on :80: the test runs its own, on loopback ports
    if [[ " ${missing[*]} " == *" nginx "* ]]; then systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true; fi
    # redis-server enables (and where it may, starts) a system server on :6379: the tests run their own on loopback
    if [[ " ${missing[*]} " == *" redis-server "* ]]; then
      systemctl disable --now redis-server >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true
    fi
    # postgresql creates and starts Debian's own cluster on :5432: the tests run their own server, on loopback
    # ports 25432–25499, so the system one would only cost memory
    if [[ " ${missing[*]} " == *" postgresql "* ]]; then
      systemctl disable --now postgresql >/dev/null 2>&1 || service postgresql stop >/dev/null 2>&1 || true
    fi
  else
    echo "missing system packages: ${missing[*]} — install them as root: apt-get install -y ${missing[*]}" >&2
    [ -x /usr/bin/chromium ] || { echo "chromium is required for the end-to-end tests" >&2; exit 1; }
    echo "(lab tests will be skipped: they need root and corosync)" >&2
  fi
fi

status=0
# each stage says how long it took, and all of them are listed again before the summary line
timings=()
stage=""
stage_start=$SECONDS
end_stage() {
  if [ -n "$stage" ]; then
    local took=$((SECONDS - stage_start))
    echo "== $stage: ${took} s"
    timings+=("$(printf '%5d s  %s' "$took" "$stage")")
  fi
  stage=""
}
step() { end_stage; stage="$*"; stage_start=$SECONDS; echo; echo "== $*"; }

step "typecheck"; npm run -s typecheck || status=1
step "lint"; npx eslint . || status=1
step "unit tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest-unit.json || status=1
if [ -f vitest.lab.config.ts ]; then
  step "lab tests (real Corosync in network namespaces)"
  npx vitest run -c vitest.lab.config.ts --reporter=default --reporter=json --outputFile.json=artifacts/vitest-lab.json || status=1
fi
step "build (web app, BFF bundle)"; npm run -s build || status=1
# what `npm start` runs: the bundled BFF answers /healthz (counted in the summary as one test)
step "start from built files"
rm -f artifacts/start-smoke.json
node scripts/start.mjs smoke --report artifacts/start-smoke.json || status=1
step "end-to-end tests (Playwright, Debian chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=artifacts/playwright.json npx playwright test --reporter=list,json || status=1
rm -f artifacts/playwright-lab.json  # no stale counts when the step is skipped
if [ -f playwright.lab.config.ts ] && { [ "$(id -u)" -eq 0 ] || [ "${CI:-}" = "true" ]; }; then
  step "end-to-end tests on the real-Corosync lab (Playwright, root)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=artifacts/playwright-lab.json npx playwright test -c playwright.lab.config.ts --reporter=list,json || status=1
else
  echo "(end-to-end tests on the lab skipped: they need root)"
fi

end_stage
echo; echo "== stage times (total ${SECONDS} s)"
printf '%s\n' "${timings[@]}"
node scripts/test-summary.mjs artifacts/vitest-unit.json artifacts/vitest-lab.json artifacts/start-smoke.json artifacts/playwright.json artifacts/playwright-lab.json
[ $status -eq 0 ] || echo "some step failed (see above)" >&2
exit $status
