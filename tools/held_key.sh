#!/usr/bin/env bash
# held-key story in tmux: open the real plan, press Down N times with a gap, ctrl+s, quit; git diff must be empty.
# usage: tools/held_key.sh SRC_ROOT SIZE GAP_MS RUNS   (e.g. tools/held_key.sh . 80x24 10 10)
# PYTHON: the interpreter with cap's dependencies (default python3). Needs tmux and git.
set -u
src=$1; size=$2; gap=$3; runs=$4
w=${size%x*}; h=${size#*x}
fails=0
for r in $(seq 1 "$runs"); do
  d=$(mktemp -d); cp "$src/plans/blaby-2024-25.toml" "$d/p.toml"
  (cd "$d" && git init -q && git add p.toml && git -c user.email=a@b -c user.name=t commit -qm init)
  tmux kill-session -t hk 2>/dev/null
  tmux new -d -s hk -x "$w" -y "$h" "cd $d && PYTHONPATH=$src CAP_DATA_DIR=$d/data CAP_STATE_DIR=$d/state ${PYTHON:-python3} -m cap_tui.cli p.toml"
  for i in $(seq 1 60); do tmux capture-pane -p -t hk | grep -q "COM-01\|Community" && break; sleep 0.1; done
  sleep 0.3
  for k in $(seq 1 40); do tmux send-keys -t hk Down; [ "$gap" = 0 ] || sleep "0.0$(printf %02d "$gap")"; done
  for k in $(seq 1 20); do tmux send-keys -t hk Up; [ "$gap" = 0 ] || sleep "0.0$(printf %02d "$gap")"; done
  sleep 1.0
  tmux send-keys -t hk C-s; sleep 0.7
  tmux send-keys -t hk C-q; sleep 0.7
  tmux send-keys -t hk d 2>/dev/null; sleep 0.3
  tmux kill-session -t hk 2>/dev/null
  if [ -n "$(cd "$d" && git diff --stat)" ]; then fails=$((fails+1)); (cd "$d" && git diff | head -20); fi
  rm -rf "$d"
done
echo "size=$size gap=${gap}ms runs=$runs changed=$fails"
