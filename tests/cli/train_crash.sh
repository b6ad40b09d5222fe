#!/usr/bin/env bash
# Crash-safe training: `dmt train` killed with SIGKILL at random moments (many inside a checkpoint
# write, which DMT_TEST_WRITE_PAUSE_MS slows down) and resumed each time must always find a valid
# checkpoint and end with the model, buffers, loss curve, metrics and samples of an uninterrupted
# run, bit for bit -- with a replay buffer and local search. A full disk (ulimit -f) during a
# checkpoint gives a one-line error and leaves the previous checkpoint intact.
# Usage: train_crash.sh path/to/dmt
source "$(dirname "$0")/harness.sh" "$1"

# checkpoints every 4 iterations, evaluations every 10 and loss-curve points every 3, so that a
# resume starts between evaluations and between loss points (their running sums are checkpointed)
cat >ls.json <<'JSON'
{"target": "gmm25", "steps": 10, "batch": 64, "iterations": 200, "losses": ["tb"], "seed": 3,
 "network": {"hidden": 16, "harmonics": 8}, "eval_every": 10, "eval_samples": 200, "checkpoint_every": 4,
 "log_every": 3, "buffer": {"capacity": 1000}, "both_ways": 1,
 "local_search": {"every": 5, "steps": 20, "burn_in": 10}}
JSON
"$DMT" train ls.json --out ref 2>ref.log || fail "uninterrupted run: $(tail -1 ref.log)"

same_as_ref() {  # DIR: every output identical to ref's (metrics without the wall-clock field)
  local f
  for f in model.dmt buffer.npy search_buffer.npy loss.csv samples.npy; do
    cmp -s "ref/$f" "$1/$f" || { echo "$f differs"; return 1; }
  done
  diff <(sed 's/"eval_seconds":[^,}]*//' ref/metrics.jsonl) <(sed 's/"eval_seconds":[^,}]*//' "$1/metrics.jsonl") >/dev/null ||
    { echo "metrics.jsonl differs"; return 1; }
}

# Rounds of: start, kill with SIGKILL, resume, kill again, ... until an attempt finishes; then the
# outputs must equal the uninterrupted run's. Rounds go on until 40 kills in all. Every other kill
# lands at a random moment in the first 0.15 s; the others wait for a file write of this attempt (a
# temporary file not left by an earlier kill) and kill inside it, so that the writes are exercised
# however fast the build is (an ASan build spent most of 0.15 s starting up: 6 of 40 kills in a write).
RANDOM=27
kills=0 in_write=0 refused=0 rounds=0 differing=0
new_temporary() {  # a temporary file in r/ that is not in $stale
  local f
  for f in r/*.tmp-*; do [[ -e $f && $stale != *" $f "* ]] && return 0; done
  return 1
}
while ((kills < 40 && rounds < 20)); do
  rounds=$((rounds + 1))
  rm -rf r
  for ((attempt = 0; attempt < 100; attempt++)); do
    args=()
    [[ -e r/model.dmt ]] && args=(--resume)
    stale=" $(compgen -G 'r/*.tmp-*' | tr '\n' ' ')"
    DMT_TEST_WRITE_PAUSE_MS=3 "$DMT" train ls.json --out r "${args[@]}" 2>run.log &
    pid=$!
    if ((kills < 40 && attempt < 30)); then  # then let it finish (a slow build may not progress in 0.15 s)
      if ((kills % 2)); then
        end=$((SECONDS + 10))
        while ! new_temporary && kill -0 $pid 2>/dev/null && ((SECONDS < end)); do :; done
      else
        sleep "0.$(printf '%03d' $((RANDOM % 150)))"
      fi
      kill -9 $pid 2>/dev/null
    fi
    { wait $pid; } 2>/dev/null
    rc=$?
    ((rc == 0)) && break
    if ((rc == 137)); then
      kills=$((kills + 1))
      new_temporary && in_write=$((in_write + 1))
    else
      refused=$((refused + 1))
      echo "round $rounds attempt $attempt exited $rc: $(tail -1 run.log)"
    fi
  done
  if ((rc != 0)); then fail "round $rounds: no attempt finished"; break; fi
  if ! why=$(same_as_ref r); then differing=$((differing + 1)); echo "round $rounds: $why"; fi
  leftover=$(ls -A r | grep -E 'tmp-|\.next$')
  [[ -z $leftover ]] || fail "round $rounds left behind: $leftover"
done
((refused == 0)) && ok "$kills kills ($in_write inside a file write) in $rounds rounds, every restart found a valid checkpoint" ||
  fail "$refused restarts were refused"
((in_write >= 10)) || fail "only $in_write of $kills kills landed inside a write: the test does not exercise the checkpoint write"
((differing == 0)) && ok "every round, killed and resumed, ended bit-identical to the uninterrupted run" ||
  fail "$differing of $rounds rounds differ from the uninterrupted run"

# A run killed inside its first checkpoint leaves temporaries and no model file, so the next attempt
# starts afresh (no --resume): it must clear them as a resume does (found by this test under an ASan
# build for AVX2, where kills landed there: "round 2 left behind: loss.csv.tmp-..., metrics.jsonl.tmp-...").
mkdir -p s && touch s/loss.csv.tmp-Yqdx3Y s/metrics.jsonl.tmp-LTjEW9 s/buffer.npy.next.tmp-AbCd12 s/notes.tmp-keep12
"$DMT" train ls.json --out s --iterations 8 2>/dev/null || fail "fresh run into a directory with stale temporaries"
leftover=$(ls -A s | grep -E 'tmp-|\.next$' | tr '\n' ' ')
[[ $leftover == "notes.tmp-keep12 " ]] && ok "a fresh run clears the temporaries of a run killed before its first checkpoint (and only those)" ||
  fail "fresh run left: $leftover"

# A full disk during a checkpoint: ulimit -f 2 (2 KiB per file) fails the first checkpoint after the
# resume (the staged buffer). Stopped at 20, an evaluation iteration, so that the stopped run's final
# evaluation is also the uninterrupted run's.
"$DMT" train ls.json --out f --iterations 20 2>/dev/null || fail "train 20 iterations"
cp -r f f8
(
  ulimit -f 2
  "$DMT" train ls.json --out f --resume >/dev/null 2>full.log
)
rc=$?
if [[ $rc -eq 2 && $(wc -l <full.log) -eq 1 ]] && grep -Eq "^dmt: error: cannot write 'f/[a-z_.]+': File too large" full.log; then
  ok "full disk: exit 2, $(cat full.log)"
else
  fail "full disk: exit $rc, $(cat full.log)"
fi
# the checkpoint proper unchanged; metrics.jsonl and loss.csv may have gained lines past its iteration
# (written first, ignored by a resume) but begin with the old content
intact=1
for x in model.dmt buffer.npy search_buffer.npy samples.npy; do cmp -s "f8/$x" "f/$x" || intact=0; done
for x in metrics.jsonl loss.csv; do cmp -s -n "$(stat -c %s "f8/$x")" "f8/$x" "f/$x" || intact=0; done
leftover=$(ls -A f | grep -E 'tmp-|\.next$')
((intact)) && [[ -z $leftover ]] && ok "full disk: the previous checkpoint (iteration 20) is intact, nothing half-written" ||
  fail "full disk: checkpoint changed or left behind '$leftover'"
"$DMT" train ls.json --out f --resume 2>/dev/null || fail "resume after the full disk"
if why=$(same_as_ref f); then ok "resumed after the full disk: bit-identical to the uninterrupted run"; else fail "after the full disk: $why"; fi

# Killed after the iteration-0 checkpoint, before Adam's first step (its state still empty, so the file
# holds none): --resume must start from it, not refuse it (found by this test under the ASan build,
# whose slower steps let the kills land there). --iterations 0 leaves exactly that checkpoint.
"$DMT" train ls.json --out z --iterations 0 2>/dev/null || fail "train 0 iterations"
if "$DMT" train ls.json --out z --resume 2>z.log; then
  same=1
  for f in model.dmt buffer.npy search_buffer.npy loss.csv samples.npy; do cmp -s "ref/$f" "z/$f" || same=0; done
  ((same)) && ok "resumed from the iteration-0 checkpoint: bit-identical to the uninterrupted run" ||
    fail "resumed from iteration 0 differs"
else
  fail "resume from the iteration-0 checkpoint: $(tail -1 z.log)"
fi

summary
