"""Run the DfE's SSDA903 rules (`csc-validator-be-903`, import name `lac_validator`) on a folder
of return CSVs and print what failed as JSON on stdout.

This file runs in the validator's own virtual environment (`make validator` makes `.venv-903`),
not Hearth's: it imports nothing of Hearth or Django. Hearth calls it through
`hearth.ssda903.validator`.

    .venv-903/bin/python hearth/ssda903/run_validator.py FOLDER --year 2025 --authority E08000010

FOLDER holds this year's CSVs; FOLDER/prev, when present, last year's. The answer:
{"ruleset": "lac2025_26", "errors": [{"table", "row", "child", "rule"}], "messages": {rule: words},
 "fields": {rule: [fields]}, "failed": [rules that crashed], "skipped": [rules missing tables]}
"""

import argparse
import contextlib
import importlib
import json
import logging
import os
import sys
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", type=int, required=True, help="Collection year's first year")
    parser.add_argument("--authority", required=True, help="The council's 9-character ONS code")
    parser.add_argument("--rules", default="", help="Only these rule codes, comma separated")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    os.environ.setdefault("QLACREF_PC_INSECURE", "True")
    answer = sys.stdout
    # The validator prints as it goes; only the answer goes to stdout.
    with contextlib.redirect_stdout(sys.stderr):
        from lac_validator import lac_validator
        from lac_validator.utils import process_uploaded_files

        files = {"This year": [str(p) for p in sorted(args.folder.glob("*.csv"))]}
        previous = sorted((args.folder / "prev").glob("*.csv"))
        if previous:
            files["Prev year"] = [str(p) for p in previous]
        ruleset = f"lac{args.year}_{(args.year + 1) % 100:02d}"
        registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
        selected = [code for code in args.rules.split(",") if code] or None
        run = lac_validator.LacValidator(
            metadata={"collectionYear": str(args.year + 1), "localAuthority": args.authority},
            files=process_uploaded_files(files),
            registry=registry,
            selected_rules=selected,
        )
        errors = []
        for table, frame in run.ds_results.items():
            if table == "metadata":
                continue
            for column in [c for c in frame.columns if str(c).startswith("ERR_")]:
                for index in frame.index[frame[column] == True]:  # noqa: E712 (pandas mask)
                    errors.append(
                        {
                            "table": table,
                            "row": int(index),
                            "child": str(frame.at[index, "CHILD"]),
                            "rule": column[4:],
                        }
                    )
    json.dump(
        {
            "ruleset": ruleset,
            "errors": errors,
            "messages": {str(code): rule.message for code, rule in registry.items()},
            "fields": {str(code): sorted(rule.affected_fields) for code, rule in registry.items()},
            "failed": run.fails,
            "skipped": run.skips,
        },
        answer,
    )


if __name__ == "__main__":
    main()
