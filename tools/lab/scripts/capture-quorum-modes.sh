#!/usr/bin/env bash
# Captures real votequorum outputs of each lab quorum mode into packages/corosync/fixtures/quorum-modes/
# (the fixtures README there says what each file is). Root; takes about 4 minutes.
#   tools/lab/scripts/capture-quorum-modes.sh [OUTDIR]      (PREFIX=qla by default)
# Every tool runs as `timeout 5 ip netns exec <prefix>-n<N> <tool>` with stdout straight into the file;
# its exit code goes to OUTDIR/captures.tsv. States are waited for by polling `corosync-quorumtool -s`.
set -euo pipefail
cd "$(dirname "$0")/../../.."
P=${PREFIX:-qla}
OUT=${1:-packages/corosync/fixtures/quorum-modes}
mkdir -p "$OUT"
: > "$OUT/captures.tsv"

lab() { echo "+ npm run lab -- $* --prefix $P"; npm run -s lab -- "$@" --prefix "$P"; }
say() { echo "## $(date '+%F %T') $*"; }

field() { awk -v k="$1" 'index($0, k) == 1 { sub(k, ""); sub(/^ +/, ""); print $1; exit }'; }

# wait_q NODE MEMBERS Yes|No [EXPECTED]: until the node reports that many members, quorate or not
wait_q() {
  local node=$1 members=$2 quorate=$3 expected=${4:-} out
  for _ in $(seq 1 600); do
    out=$(timeout 5 ip netns exec "$P-n$node" corosync-quorumtool -s 2>/dev/null || true)
    if [ "$(field 'Nodes:' <<<"$out")" = "$members" ] && [ "$(field 'Quorate:' <<<"$out")" = "$quorate" ] &&
      { [ -z "$expected" ] || [ "$(field 'Expected votes:' <<<"$out")" = "$expected" ]; }; then
      say "pve$node: $members members, quorate $quorate${expected:+, expected $expected}"
      return 0
    fi
    sleep 0.2
  done
  echo "timed out waiting for pve$node: $members members, quorate $quorate ${expected}" >&2
  return 1
}

cap() {
  local name=$1 node=$2 rc=0
  shift 2
  timeout 5 ip netns exec "$P-n$node" "$@" > "$OUT/$name" || rc=$?
  printf '%s\tpve%s\t%s\t%s\n' "$name" "$node" "$*" "$rc" >> "$OUT/captures.tsv"
}

# the corosync.conf the lab wrote for node 1 (the same on every node but for paths)
conf() { cp "/tmp/quorate-lab-$P/n1/corosync.conf" "$OUT/corosync-conf__$1__node1.conf"; }

# all three views of one node in one state
three() {
  cap "quorumtool-s__$1__node$2.txt" "$2" corosync-quorumtool -s
  cap "quorumtool-siH__$1__node$2.txt" "$2" corosync-quorumtool -siH
  cap "cmapctl-quorum__$1__node$2.txt" "$2" corosync-cmapctl quorum. runtime.votequorum. nodelist.node.
}

trap 'lab down >/dev/null 2>&1 || true' EXIT

say "auto_tie_breaker (lowest), 4 nodes, split 2|2"
lab up --nodes 4 --token 1000 --quorum auto_tie_breaker
conf atb-lowest
three atb-lowest__4of4 1
lab partition pve1,pve2 pve3,pve4
wait_q 1 2 Yes
wait_q 3 2 No
sleep 3
three atb-lowest__split-2-2-with-pve1 1
three atb-lowest__split-2-2-without-pve1 3
lab heal
wait_q 1 4 Yes
wait_q 3 4 Yes

say "auto_tie_breaker_node=highest, 4 nodes, split 2|2"
lab up --nodes 4 --token 1000 --quorum auto_tie_breaker,auto_tie_breaker_node=highest
conf atb-highest
lab partition pve1,pve2 pve3,pve4
wait_q 1 2 No
wait_q 3 2 Yes
sleep 3
three atb-highest__split-2-2-without-pve4 1
three atb-highest__split-2-2-with-pve4 3

say "auto_tie_breaker_node=3 1 (a list), 4 nodes, split pve1,pve4 | pve2,pve3"
lab up --nodes 4 --token 1000 --quorum auto_tie_breaker,auto_tie_breaker_node=3+1
conf atb-list-3-1
lab partition pve1,pve4 pve2,pve3
wait_q 1 2 No
wait_q 2 2 Yes
sleep 3
three atb-list-3-1__split-2-2-without-pve3 1
three atb-list-3-1__split-2-2-with-pve3 2

say "last_man_standing (window 5000 ms) + wait_for_all, 4 nodes, losing one node at a time"
lab up --nodes 4 --token 1000 --quorum last_man_standing,last_man_standing_window=5000,wait_for_all
conf lms
three lms__4of4 1
lab fault pve4 kill
wait_q 1 3 Yes 4
three lms__3of4-within-window 1
wait_q 1 3 Yes 3
sleep 1
three lms__3of4-after-window 1
lab fault pve3 kill
wait_q 1 2 Yes 3
three lms__2of4-within-window 1
wait_q 1 2 Yes 2
sleep 1
three lms__2of4-after-window 1
lab fault pve2 kill
wait_q 1 1 No 2
sleep 6
three lms__1of4-past-window 1

say "two_node, 2 nodes, losing one"
lab up --nodes 2 --token 1000 --quorum two_node
conf two-node
three two-node__2of2 1
lab fault pve2 kill
wait_q 1 1 Yes
sleep 3
three two-node__pve2-killed 1
lab fault pve1 stop
lab fault pve1 start
wait_q 1 1 No
sleep 3
three two-node__pve1-restarted-alone 1

say "weighted votes pve3=2, 3 nodes"
lab up --nodes 3 --token 1000 --votes pve3=2
conf votes-pve3-2
three votes-pve3-2__3of3 1
lab fault pve3 kill
wait_q 1 2 No
sleep 3
three votes-pve3-2__pve3-killed 1
lab fault pve3 start
wait_q 1 3 Yes
wait_q 3 3 Yes
lab fault pve1 kill
wait_q 3 2 Yes
sleep 3
three votes-pve3-2__pve1-killed 3

say "wait_for_all, 3 nodes: whole cluster stopped, two started again, then the third; then quorum lost and regained with 2"
lab up --nodes 3 --token 1000 --quorum wait_for_all
conf wfa
three wfa__3of3 1
lab fault pve3 stop
lab fault pve2 stop
lab fault pve1 stop
lab fault pve1 start
lab fault pve2 start
wait_q 1 2 No
sleep 3
three wfa__2of3-after-cold-start 1
lab fault pve3 start
wait_q 1 3 Yes
lab fault pve3 kill
wait_q 1 2 Yes
sleep 3
three wfa__pve3-killed-after-all-seen 1
lab fault pve2 kill
wait_q 1 1 No
lab fault pve2 start
wait_q 1 2 No
sleep 3
three wfa__2of3-after-quorum-lost 1

lab down
trap - EXIT
say "done: $(wc -l < "$OUT/captures.tsv") captures in $OUT"
dpkg-query -W corosync libknet1 libqb100
uname -r
