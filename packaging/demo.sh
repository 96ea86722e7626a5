#!/usr/bin/env bash
# Command one of the quick start: a local fleet. keel-controlplane on its embedded SQLite
# store plus three keel-agent processes in three regions of three jurisdictions, and
# keel-console connected to it when there is a display. Ctrl-C stops everything started.
#
# State lives in build/demo/ and is reused by the next run (nodes keep their identity).
# The control plane's registry holds hello, echo, hash 1.0.0 and profile (pushed by this
# script, AOT objects built in the background), deployed to every agent, plus two more
# versions of hash to roll out at once (docs/rollouts.md): 2.0.0, a good one, and
# 2.1.0-broken, which answers 500. Agents get them as desired state, never from a folder.
# The residency policy resources/policies/demo-policy.yaml is applied (docs/residency.md):
# profile processes pii, which for EU data subjects only the EU agent may do, so the US
# and IN agents answer such requests with 451 naming the EU agent.
# Ports: KEEL_DEMO_PORT (control plane, default 7070); agents use 8081-8083 (HTTP) and
# 9091-9093 (admin); control-plane metrics on 9464.
set -euo pipefail

source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build.sh"
keel_build

BIN="$KEEL_BUILD/bin"
DEMO="${KEEL_DEMO_DIR:-$KEEL_BUILD/demo}"
CP_PORT="${KEEL_DEMO_PORT:-7070}"
SERVER="ws://127.0.0.1:$CP_PORT"
mkdir -p "$DEMO/logs"

# name region site http admin
AGENTS=(
  "edge-eu-1 eu-west dub-1 8081 9091"
  "edge-us-1 us-east iad-1 8082 9092"
  "edge-in-1 ap-south bom-1 8083 9093"
)

die() { echo "keel demo: $*" >&2; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Checked before anything is started or any cleanup is armed: a second demo must not
# touch the first one's processes.
for p in "$CP_PORT" 9464 8081 8082 8083 9091 9092 9093; do
  port_free "$p" || die "port $p on 127.0.0.1 is in use (another demo still running?): stop it, or set KEEL_DEMO_PORT for the control plane"
done
rm -f "$DEMO"/*.pid

PIDS=()
# Stops what this run started: its own children, and agents (re)started through their
# start scripts, found by pid file and checked to still be a keel-agent of this demo.
stop_all() {
  trap - INT TERM EXIT
  local f pid
  for f in "$DEMO"/*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    rm -f "$f"
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "keel-agent .*--data-dir $DEMO/"; then
      PIDS+=("$pid")
    fi
  done
  if [ ${#PIDS[@]} -gt 0 ]; then
    echo
    echo "keel demo: stopping ${#PIDS[@]} process(es)"
    kill "${PIDS[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + 10)) p
    for p in "${PIDS[@]}"; do
      while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    done
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

# wait_for FILE PATTERN SECONDS: a line in a log, or give up.
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

"$BIN/keel-controlplane" --data-dir "$DEMO/controlplane" --listen "127.0.0.1:$CP_PORT" \
  --heartbeat-interval 1000 --grace 5000 --metrics-listen 127.0.0.1:9464 \
  >"$DEMO/logs/controlplane.log" 2>&1 &
PIDS+=($!)
wait_for "$DEMO/logs/controlplane.log" "listening on" 20 \
  || die "the control plane did not start; see $DEMO/logs/controlplane.log"
TOKEN_FILE="$DEMO/controlplane/admin.token"
export KEEL_SERVER="$SERVER"
KEEL_TOKEN="$(cat "$TOKEN_FILE")"
export KEEL_TOKEN

"$BIN/keelctl" topology apply -f "$KEEL_ROOT/docs/examples/topology.yaml" >/dev/null

# What the fleet serves: pushed to the registry (a second run finds the same bytes there
# and changes nothing) and deployed by selector, exactly as an operator would.
for manifest in hello echo hash profile hash-versions/hash-2.0.0 hash-versions/hash-2.1.0-broken; do
  "$BIN/keelctl" component push --manifest "$KEEL_BUILD/components/$manifest.yaml" >>"$DEMO/logs/keelctl.log" 2>&1 \
    || die "keelctl component push $manifest failed; see $DEMO/logs/keelctl.log"
done
"$BIN/keelctl" deploy hello@1.0.0 --to all >/dev/null
"$BIN/keelctl" deploy echo@1.0.0 --to all >/dev/null
# Its rule restricts EU subjects' requests, not where profile may run: it goes everywhere.
"$BIN/keelctl" policy apply -f "$KEEL_ROOT/resources/policies/demo-policy.yaml" >>"$DEMO/logs/keelctl.log" 2>&1 \
  || die "keelctl policy apply resources/policies/demo-policy.yaml failed; see $DEMO/logs/keelctl.log"
"$BIN/keelctl" deploy profile@1.0.0 --to all >/dev/null
# hash starts at 1.0.0 on every run, so that a rollout of 2.0.0 can be tried again; a
# rollout still running from the last run keeps it (the deploy is refused, naming it).
"$BIN/keelctl" deploy hash@1.0.0 --to all >/dev/null 2>>"$DEMO/logs/keelctl.log" \
  || echo "keel demo: hash is held by a rollout from the last run (keelctl rollout list)" >&2

for spec in "${AGENTS[@]}"; do
  read -r name region site http admin <<<"$spec"
  # Each agent gets a start script, so that one killed by hand can be started again the
  # same way (the demo's Ctrl-C stops it too, through its pid file).
  cat >"$DEMO/start-$name.sh" <<SCRIPT
#!/usr/bin/env bash
"$BIN/keel-agent" --controlplane "$SERVER" --name "$name" --region "$region" --site "$site" \\
  --labels "tier=edge,demo=true" --data-dir "$DEMO/$name" \\
  --http "127.0.0.1:$http" --admin "127.0.0.1:$admin" "\$@" >>"$DEMO/logs/$name.log" 2>&1 &
echo \$! >"$DEMO/$name.pid"
SCRIPT
  chmod +x "$DEMO/start-$name.sh"
  # A node enrolls once with a join token; afterwards its own key proves who it is.
  if [ ! -f "$DEMO/$name/identity.key" ]; then
    "$DEMO/start-$name.sh" --join-token "$("$BIN/keelctl" join-token create --region "$region" 2>/dev/null)"
  else
    "$DEMO/start-$name.sh"
  fi
done

deadline=$((SECONDS + 30))
until [ "$("$BIN/keelctl" nodes list -o json 2>/dev/null | grep -c '"status": "ready"')" -ge 3 ]; do
  [ $SECONDS -lt $deadline ] || die "the agents did not become ready; see $DEMO/logs/"
  sleep 0.2
done

# Every agent answers for its components once it has applied its desired state.
for spec in "${AGENTS[@]}"; do
  read -r name region site http admin <<<"$spec"
  deadline=$((SECONDS + 30))
  until curl -fs -o /dev/null "http://127.0.0.1:$http/hello/"; do
    [ $SECONDS -lt $deadline ] || die "$name does not answer http://127.0.0.1:$http/hello/; see $DEMO/logs/$name.log"
    sleep 0.2
  done
done
# The policy reached the agents with their desired state: the curl pair printed below
# gives 451 on the US agent and 200 on the EU one.
deadline=$((SECONDS + 30))
until [ "$(curl -sS -o /dev/null -w '%{http_code}' -H 'X-Keel-Subject-Jurisdiction: EU' \
          http://127.0.0.1:8082/profile/42)" = 451 ]; do
  [ $SECONDS -lt $deadline ] || die "edge-us-1 does not refuse EU subjects' profiles (451); see $DEMO/logs/edge-us-1.log"
  sleep 0.2
done

# Light, uneven traffic so that the console's numbers and charts move from the start, and
# hash on every agent so that a rollout's gates have requests to judge: about 8 req/s to
# the EU agent, 4 to the US one and 3 to the IN one.
# KEEL_DEMO_TRAFFIC=0 leaves the fleet idle.
if [ "${KEEL_DEMO_TRAFFIC:-1}" != 0 ]; then
  (
    trap 'exit 0' TERM INT
    n=0
    while :; do
      n=$((n + 1))
      curl -fsS -o /dev/null "http://127.0.0.1:8081/hello/" || true
      curl -fsS -o /dev/null -X POST --data "demo $n" "http://127.0.0.1:8081/hash/?n=200" || true
      [ $((n % 2)) -eq 0 ] && { curl -fsS -o /dev/null "http://127.0.0.1:8082/hello/" || true; \
        curl -fsS -o /dev/null -X POST --data hi "http://127.0.0.1:8082/echo/demo" || true; \
        curl -fsS -o /dev/null -X POST --data "demo $n" "http://127.0.0.1:8082/hash/?n=200" || true; \
        curl -fsS -o /dev/null -X POST --data "demo $n" "http://127.0.0.1:8083/hash/?n=200" || true; }
      [ $((n % 4)) -eq 0 ] && { curl -fsS -o /dev/null "http://127.0.0.1:8083/hello/" || true; \
        curl -fsS -o /dev/null -H 'X-Keel-Subject-Jurisdiction: EU' "http://127.0.0.1:8081/profile/$n" || true; \
        curl -fsS -o /dev/null -H 'X-Keel-Subject-Jurisdiction: US' "http://127.0.0.1:8082/profile/$n" || true; }
      sleep 0.25
    done
  ) >/dev/null 2>&1 &
  PIDS+=($!)
fi

"$BIN/keelctl" nodes list
cat <<INFO

Keel demo fleet is up.
  control plane  $SERVER   (data: $DEMO/controlplane, log: $DEMO/logs/controlplane.log)
  metrics        http://127.0.0.1:9464/metrics
  keelctl        export KEEL_SERVER=$SERVER KEEL_TOKEN=\$(cat $TOKEN_FILE)
                 $BIN/keelctl nodes list -o json
  agents         edge-eu-1  http 127.0.0.1:8081  admin 127.0.0.1:9091/metrics
                 edge-us-1  http 127.0.0.1:8082  admin 127.0.0.1:9092/metrics
                 edge-in-1  http 127.0.0.1:8083  admin 127.0.0.1:9093/metrics
  components     hello, echo, hash@1.0.0, profile on every agent; hash 2.0.0 and 2.1.0-broken pushed
  rollout        $BIN/keelctl rollout start hash@2.0.0 --to all --order by-jurisdiction --batch 1 --bake 10s
                 $BIN/keelctl rollout status ID --watch         # docs/rollouts.md
  residency      policy: pii of EU subjects is processed only in the EU (resources/policies/demo-policy.yaml)
                 curl -i -H 'X-Keel-Subject-Jurisdiction: EU' http://127.0.0.1:8082/profile/42   # 451 on edge-us-1, names edge-eu-1
                 curl -i -H 'X-Keel-Subject-Jurisdiction: EU' http://127.0.0.1:8081/profile/42   # 200 on edge-eu-1
                 $BIN/keelctl policy get                   # docs/residency.md
  traffic        a few requests a second to every agent (KEEL_DEMO_TRAFFIC=0: none)
  try            curl http://127.0.0.1:8081/hello/
                 curl -X POST --data hi 'http://127.0.0.1:8082/echo/a?b=1'
                 curl -X POST --data abc 'http://127.0.0.1:8081/hash/?n=1'
                 $BIN/keelctl nodes show edge-eu-1          # generations, components, tiers
                 $BIN/keelctl metrics --component hello     # after some traffic
                 kill \$(cat $DEMO/edge-eu-1.pid)   # unreachable after the 5 s grace
                 $DEMO/start-edge-eu-1.sh          # ready again, same components
INFO

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$BIN/keel-console" --server "$SERVER" --token-file "$TOKEN_FILE" >"$DEMO/logs/console.log" 2>&1 &
  PIDS+=($!)
  echo "  console        keel-console opened (log: $DEMO/logs/console.log)"
else
  echo "  console        no display: running headless (run keel-console --server $SERVER --token-file $TOKEN_FILE where there is one)"
fi
echo
echo "Ctrl-C stops the control plane, the agents and the console."
# Agents run detached from this shell (see their start scripts): wait on the control plane.
wait "${PIDS[0]}"
