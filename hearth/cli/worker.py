"""`hearth worker`: the background process that does Hearth's timed work (hearth.trays.jobs:
chasing, expiring) and sends its queued mail (hearth.trays.mail).

It runs rounds until SIGTERM or Ctrl+C, pausing between them; a stop asked for during a round lets
the round finish first, so no message is left sent but unmarked. `--once` runs one round and
prints what it did.
"""

import argparse
import contextlib
import json
import os
import select
import signal
import sys

from hearth.cli.console import add_format_option, print_json, print_table, say

DEFAULT_INTERVAL = 30.0


def seconds(value):
    try:
        number = float(value)
    except ValueError:
        number = 0
    if not 0 < number <= 24 * 60 * 60:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0 and at most a day, not {value!r}"
        )
    return number


def register(commands):
    parser = commands.add_parser(
        "worker",
        help="send the queued mail, round after round, until stopped",
        description="Send the mail Hearth has queued (work-tray announcements) through the "
        "configured mail server (EMAIL_* settings), every --interval seconds until SIGTERM or "
        "Ctrl+C. A message that fails is tried again later, up to 5 times. With --once, one round: "
        "send what is due, print it, stop.",
    )
    parser.add_argument("--once", action="store_true", help="one round, print what it did, stop")
    parser.add_argument(
        "--interval",
        type=seconds,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help=f"pause between rounds (default: {DEFAULT_INTERVAL:g})",
    )
    add_format_option(parser)
    parser.set_defaults(run=worker)


def worker(args):
    if args.once:
        from hearth.trays.jobs import run_jobs
        from hearth.trays.mail import mail_send_due

        _print_jobs(run_jobs(), args.format)
        _print_round(mail_send_due(), args.format)
        return 0
    with StopSignals() as stopping:
        say(f"hearth worker: sending the queued mail every {args.interval:g} s until stopped")
        while not stopping.requested:
            _round(args.format)
            stopping.pause(args.interval)
    say("hearth worker: stopped")
    return 0


def _round(output):
    """One round of the loop: a database that is away is waited for, not fatal."""
    from django.db import DatabaseError, close_old_connections

    from hearth.trays.jobs import run_jobs
    from hearth.trays.mail import mail_send_due

    close_old_connections()
    try:
        _print_jobs(run_jobs(), output)
        outcome = mail_send_due()
    except DatabaseError as error:
        say(f"hearth worker: the database refused: {error}; trying again next round")
        return
    if outcome.did_something:
        _print_summary(outcome, output)


def _print_jobs(done, output):
    """What the round's timed jobs did (nothing is printed when they did nothing)."""
    if not done:
        return
    if output == "json":
        print(json.dumps({"jobs": done}, ensure_ascii=False))
    else:
        print(", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in done.items()))
    sys.stdout.flush()


def _print_summary(outcome, output):
    counts = outcome.counts()
    if output == "json":
        print(json.dumps({**_as_data(outcome), "counts": counts}, ensure_ascii=False))
    else:
        print(
            f"sent {counts['sent']}, to try again {counts['retrying']}, "
            f"given up {counts['given_up']}"
        )
    sys.stdout.flush()


def _as_data(outcome):
    return {"sent": outcome.sent, "retrying": outcome.retrying, "given_up": outcome.given_up}


def _print_round(outcome, output):
    if output == "json":
        print_json({**_as_data(outcome), "counts": outcome.counts()})
        return
    if not outcome.did_something:
        print("Nothing was due to be sent.")
        return
    rows = [["sent", m["to"], m["subject"], m["attempts"], ""] for m in outcome.sent]
    rows += [
        [
            "to try again",
            m["to"],
            m["subject"],
            m["attempts"],
            f"{m['error']}; next {m['next_attempt']}",
        ]
        for m in outcome.retrying
    ]
    rows += [
        ["given up", m["to"], m["subject"], m["attempts"], m["error"]] for m in outcome.given_up
    ]
    print_table(["outcome", "to", "subject", "attempts", "note"], rows)


class StopSignals:
    """SIGTERM and SIGINT (Ctrl+C) ask the worker to stop. The signal also wakes the pause between
    rounds, through a pipe Python writes to when a signal arrives (`signal.set_wakeup_fd`), so a
    stop is immediate, and a signal arriving just as the pause begins is not missed."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __enter__(self):
        self.requested = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._previous_fd = signal.set_wakeup_fd(self._write)
        self._previous = {number: signal.signal(number, self._stop) for number in self.SIGNALS}
        return self

    def _stop(self, number, frame):
        self.requested = True

    def pause(self, seconds):
        if not self.requested:
            select.select([self._read], [], [], seconds)
        with contextlib.suppress(BlockingIOError):
            os.read(self._read, 512)  # empty the pipe, or every later pause would end at once

    def __exit__(self, *exception):
        signal.set_wakeup_fd(self._previous_fd)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        os.close(self._read)
        os.close(self._write)
        return False
