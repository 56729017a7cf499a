"""Fuzz the HTTP API from its own OpenAPI schema with schemathesis; report server errors.

    python bench/fuzz_api.py --index data/index --max-examples 100

Runs every operation with generated valid and invalid inputs against a server on
loopback (the admin key of development is sent so admin routes are exercised too)
and fails on any 5xx. Needs ``pip install schemathesis``.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import served  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--out", type=Path, default=Path("bench/results/fuzz_api.json"))
    args = parser.parse_args()
    with served(args.index) as url:  # served in environment "test", where the fixed admin key below works
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("schemathesis")), "run", f"{url}/openapi.json",
             "--checks", "not_a_server_error", "--max-examples", str(args.max_examples), "--seed", str(args.seed),
             "--header", "X-API-Key: dev-admin-key", "--request-timeout", "60", "--workers", "2"],
            capture_output=True, text=True, timeout=3600)
    output = proc.stdout + proc.stderr
    summary = [line.strip() for line in output.splitlines()
               if re.search(r"^\s*(Test cases:|Selected:|Tested:|\S+ \d+ (passed|failed))", line)][-6:]
    report = {"exit_code": proc.returncode, "server_errors_found": proc.returncode != 0,
              "max_examples": args.max_examples, "seed": args.seed, "summary": summary}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(output[-4000:])
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
