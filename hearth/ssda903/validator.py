"""The DfE's SSDA903 rules, run on a folder of return CSVs by the validator the DfE's partners
maintain (`csc-validator-be-903`), in its own virtual environment (`make validator`).

`validate(folder, year=, authority=)` answers a `Validation`: each failure with its table, row
(0-based, as the CSV's data rows), child and rule, and the rule's words. Rules that crash inside
the validator on good data (231 and 233 in 2025-26) are reported as `failed`, not as errors;
Hearth enforces what they would have checked itself (`hearth.ssda903.checks`).
"""

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RUNNER = Path(__file__).with_name("run_validator.py")


class ValidatorMissing(RuntimeError):
    """The validator's environment is not installed."""


@dataclass(frozen=True)
class Failure:
    table: str
    row: int
    child: str
    rule: str
    message: str


@dataclass
class Validation:
    ruleset: str
    errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # {rule: [the DfE columns it is about]}

    @property
    def rules(self):
        """The codes of the rules that failed, each once, in order."""
        return sorted({error.rule for error in self.errors})

    @property
    def ok(self):
        return not self.errors


def python():
    """The validator environment's Python."""
    return Path(settings.HEARTH_VALIDATOR_PYTHON)


def available():
    return python().exists()


def validate(folder, *, year, authority, rules=()):
    """Run the rules for the collection year starting 1 April `year` on the CSVs in `folder`
    (and `folder/prev`), for the council with ONS code `authority`."""
    if not available():
        raise ValidatorMissing(
            f"The SSDA903 validator is not installed at {python()}: run `make validator`"
        )
    command = [str(python()), str(RUNNER), str(folder), "--year", str(year)]
    command += ["--authority", authority]
    if rules:
        command += ["--rules", ",".join(rules)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        raise RuntimeError(f"The SSDA903 validator stopped (exit {done.returncode})")
    answer = json.loads(done.stdout)
    messages = answer["messages"]
    errors = [
        Failure(e["table"], e["row"], e["child"], e["rule"], messages.get(e["rule"], ""))
        for e in answer["errors"]
    ]
    errors.sort(key=lambda e: (e.table, e.row, e.rule))
    return Validation(
        answer["ruleset"], errors, answer["failed"], answer["skipped"], answer.get("fields", {})
    )
