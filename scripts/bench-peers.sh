#!/usr/bin/env bash
# Measures the engine on the M/M/10 model beside the peers in ../shared/bench, one after another on
# this machine: our release build (10^7 customers), the bare hand-written event loop (10^7), and
# SimPy (10^6, it is about 100 times slower). Prints customers simulated per wall second.
# Usage: scripts/bench-peers.sh [ROUNDS]   (from the project root; needs ../shared/bench)
set -euo pipefail
rounds=${1:-3}
bench=../shared/bench
cargo build --release --quiet
CARGO_TARGET_DIR=target/bench-handrolled cargo build --release --locked --quiet --manifest-path "$bench/handrolled/Cargo.toml"
if [ ! -x target/simpy-venv/bin/python ]; then
  python3 -m venv target/simpy-venv
  target/simpy-venv/bin/pip install --quiet simpy==4.1.2
fi
rate() { python3 -c 'import json,sys; t=sys.stdin.read(); v=json.loads(t.split("RESULT ",1)[1] if "RESULT " in t else t)
w=v["wall_s"] if "wall_s" in v else v["wall_seconds"]; n=v["customers"] if "customers" in v else v["requests"]["generated"]
print(f"{n/w/1e6:6.2f} M customers/s  ({n} customers in {w:.3f} s)")'; }
for r in $(seq "$rounds"); do
  echo "round $r"
  printf '  cloud-sandbox (1e7)  '; target/release/cloud-sandbox run saves/theory/mm10.ron --duration 11121s --json | rate
  printf '  bare loop     (1e7)  '; target/bench-handrolled/release/handrolled mmc 1e7 1 | rate
  printf '  SimPy 4.1.2   (1e6)  '; (cd "$bench" && SEED=1 N=1e6 "$OLDPWD/target/simpy-venv/bin/python" simpy_mmc.py) | rate
done
