"""``python -m benchmarks [--quick] [--only NAME ...]``: run the benchmarks, write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.common import DATA_ROOT, FULL, QUICK, REPO_DIR
from benchmarks.report import render
from benchmarks.runner import BENCHMARKS, load, merge, run, save


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny data: checks, not figures")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these")
    parser.add_argument(
        "--output",
        type=Path,
        help="report file (default: BENCHMARKS.md, or benchmarks/data/ with --quick);"
        " with --only, the other benchmarks' figures come from the last run",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="write the report of the last run again (after editing before.json or FINDINGS.md)",
    )
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    output = args.output or (
        DATA_ROOT / "BENCHMARKS-quick.md" if args.quick else REPO_DIR / "BENCHMARKS.md"
    )
    results = DATA_ROOT / f"results-{scale.name}.json"
    if args.render_only:
        outcome = load(results)
    else:
        outcome = run(scale, args.only)
        if args.only and results.exists():
            outcome = merge(load(results), outcome)
        save(outcome, results)
    output.write_text(render(outcome))
    print(f"wrote {output}")
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
