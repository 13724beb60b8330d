#!/usr/bin/env bash
# Captures the QDevice fixtures of packages/corosync/fixtures/ (see its README) on a fresh lab:
# 2 nodes + qnetd, token 1000 ms, QDevice ffsplit. Every tool runs as
# `timeout 5 ip netns exec <ns> <tool>` with stdout straight into the file; the exit code is printed.
# Run as root from the repository root: tools/lab/scripts/capture-qdevice-fixtures.sh [OUT_DIR]
set -uo pipefail
cd "$(dirname "$0")/../../.."
out=${1:-packages/corosync/fixtures}
p=qdcap
d=/tmp/quorate-lab-$p
lab() { timeout 120 npm run -s lab -- "$@" --prefix "$p"; }
cap() { # FILE NS TOOL ARGS...
  local file=$1 ns=$2; shift 2
  timeout 5 ip netns exec "$ns" "$@" >"$out/$file"
  echo "$file: exit $?"
}
qdt() { echo -p "$d/n$1/qdevice/corosync-qdevice.sock"; }
# waits (bounded) until pve1's quorumtool -s matches a pattern
waitfor() { # PATTERN SECONDS
  for _ in $(seq 1 $(($2 * 5))); do
    timeout 5 ip netns exec $p-n1 corosync-quorumtool -s 2>/dev/null | grep -Eq "$1" && return 0
    sleep 0.2
  done
  echo "timed out waiting for /$1/" >&2
  timeout 5 ip netns exec $p-n1 corosync-quorumtool -s >&2
  return 1
}
trap 'lab down >/dev/null 2>&1' EXIT
lab up --nodes 2 --token 1000 --qnetd >/dev/null || exit 1
lab qdevice setup || exit 1
# healthy: 2 nodes + QDevice, both voting
cap 'quorumtool-s__qdevice-lab__2nodes-healthy__node1.txt' $p-n1 corosync-quorumtool -s
cap 'qdevice-tool-s__connected__node1.txt' $p-n1 corosync-qdevice-tool -s $(qdt 1)
cap 'qdevice-tool-sv__connected__node1.txt' $p-n1 corosync-qdevice-tool -sv $(qdt 1)
cap 'qnetd-tool-l__2nodes-connected.txt' $p-qnetd corosync-qnetd-tool -l -p $d/qnetd/run/corosync-qnetd.sock
cap 'qnetd-tool-lv__2nodes-connected.txt' $p-qnetd corosync-qnetd-tool -lv -p $d/qnetd/run/corosync-qnetd.sock
cap 'qnetd-tool-s__2nodes-connected.txt' $p-qnetd corosync-qnetd-tool -s -p $d/qnetd/run/corosync-qnetd.sock
# pve2 killed (corosync and its qdevice SIGKILL): the survivor keeps quorum with the QDevice's vote
lab fault pve2 kill
waitfor '^Nodes: +1$' 20 && waitfor '^Total votes: +2$' 20
sleep 1
cap 'quorumtool-s__qdevice-lab__node2-killed-survivor__node1.txt' $p-n1 corosync-quorumtool -s
cap 'qdevice-tool-sv__node2-killed__node1.txt' $p-n1 corosync-qdevice-tool -sv $(qdt 1)
cap 'qnetd-tool-l__node2-killed.txt' $p-qnetd corosync-qnetd-tool -l -p $d/qnetd/run/corosync-qnetd.sock
lab fault pve2 start
waitfor '^Nodes: +2$' 20 && waitfor '^Total votes: +3$' 30
# qnetd killed: the qdevices lose their connection; the 2 nodes stay quorate on their own votes
lab qnetd kill
for _ in $(seq 1 100); do
  timeout 5 ip netns exec $p-n1 corosync-qdevice-tool -s $(qdt 1) | grep -q '^State:.*Connected$' || break
  sleep 0.2
done
sleep 1
cap 'qdevice-tool-s__qnetd-killed__node1.txt' $p-n1 corosync-qdevice-tool -s $(qdt 1)
cap 'qdevice-tool-sv__qnetd-killed__node1.txt' $p-n1 corosync-qdevice-tool -sv $(qdt 1)
cap 'quorumtool-s__qdevice-lab__qnetd-killed__node1.txt' $p-n1 corosync-quorumtool -s
dpkg-query -W corosync corosync-qdevice corosync-qnetd libknet1
