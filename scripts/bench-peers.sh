#!/usr/bin/env bash
# Measures the engine beside the peers in ../shared/bench, one after another on this machine, on
# both of their models: M/M/10 (saves/theory/mm10.ron) and the round-robin tandem
# (saves/theory/tandem.ron). Engines: our release build, the bare hand-written event loop and the
# DSLab simcore engine (10^7 customers each), and SimPy (10^6: it is about 100 times slower).
# Prints customers simulated per wall second, and our rate as a share of the bare loop's and of
# simcore's measured in the same round.
# Usage: scripts/bench-peers.sh [ROUNDS]   (from the project root; needs ../shared/bench)
#        BEFORE=path/to/older/cloud-sandbox scripts/bench-peers.sh   also measures an older build
#        in the same rounds, for a before-and-after beside the peers
set -euo pipefail
rounds=${1:-3}
bench=../shared/bench
cargo build --release --quiet
CARGO_TARGET_DIR=target/bench-handrolled cargo build --release --locked --quiet --manifest-path "$bench/handrolled/Cargo.toml"
CARGO_TARGET_DIR=target/bench-simcore cargo build --release --locked --quiet --manifest-path "$bench/simcore/Cargo.toml"
if [ ! -x target/simpy-venv/bin/python ]; then
  python3 -m venv target/simpy-venv
  target/simpy-venv/bin/pip install --quiet simpy==4.1.2
fi
# Customers per second (millions) from a RESULT line or our --json report.
rate() { python3 -c 'import json,sys; t=sys.stdin.read(); v=json.loads(t.split("RESULT ",1)[1] if "RESULT " in t else t)
w=v["wall_s"] if "wall_s" in v else v["wall_seconds"]; n=v["customers"] if "customers" in v else v["requests"]["generated"]
print(f"{n/w/1e6:.3f}")'; }
show() { printf '  %-26s %6.2f M customers/s\n' "$1" "$2"; }
for r in $(seq "$rounds"); do
  echo "round $r"
  for model in mmc tandem; do
    file=$([ "$model" = mmc ] && echo saves/theory/mm10.ron || echo saves/theory/tandem.ron)
    ours=$(target/release/cloud-sandbox run "$file" --duration 11121s --json | rate)
    if [ -n "${BEFORE:-}" ]; then
      before=$("$BEFORE" run "$file" --duration 11121s --json | rate)
    fi
    bare=$(target/bench-handrolled/release/handrolled "$model" 1e7 1 | rate)
    simcore=$(target/bench-simcore/release/simcore_mmc "$model" 1e7 1 | rate)
    simpy=$(cd "$bench" && SEED=1 N=1e6 "$OLDPWD/target/simpy-venv/bin/python" "simpy_$model.py" | rate)
    echo " $model"
    show "cloud-sandbox (1e7)" "$ours"
    if [ -n "${BEFORE:-}" ]; then show "  before: $(basename "$(dirname "$(dirname "$BEFORE")")")" "$before"; fi
    show "bare loop (1e7)" "$bare"
    show "simcore (1e7)" "$simcore"
    show "SimPy 4.1.2 (1e6)" "$simpy"
    python3 -c "import sys; o,b,s=map(float,sys.argv[1:]); print(f'    ours / bare loop {o/b:.2f}, ours / simcore {o/s:.2f}')" "$ours" "$bare" "$simcore"
  done
done
