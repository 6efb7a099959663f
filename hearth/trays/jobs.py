"""The timed work `hearth worker` does each round, before sending the mail: chasing providers that
have not answered a referral, expiring agency offers nobody decided on in time.

Each job is a function taking the current time and answering how many records it acted on. Every
job is idempotent: it acts on a record once (the record keeps that it was acted on), so running a
round twice, or two workers at once, does nothing twice. Each job runs in its own transaction,
except a job marked `runs_own_transactions = True` (one that works council by council, so that one
council's failure neither undoes nor stops the others': it opens its own transactions and catches
its own failures).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

# Dotted paths, run in this order.
JOBS = [
    # Jobs are added here by the apps that own them.
    "hearth.search.outreach.chase_unanswered",
    "hearth.portal.services.offers_expire",
    # stability follow-ups
    "hearth.stability.follow_up.overdue_actions_flagged",
    "hearth.stability.follow_up.overdue_actions_escalated",
    "hearth.stability.follow_up.overdue_meetings_and_minutes_reminded",
    # fostering: recruitment
    "hearth.fostering.recruitment.recontacts_due",
    # fostering: support
    "hearth.fostering.jobs.supervisory_visits_due",
    "hearth.fostering.jobs.annual_reviews_due",
    # ssda903: the data quality check of each council's return, once a day
    "hearth.ssda903.quality.nightly",
]


def run_jobs(now=None):
    """Run every job once; {job name: records acted on} for the jobs that acted on any."""
    now = now or timezone.now()
    done = {}
    for path in JOBS:
        job = import_string(path)
        if getattr(job, "runs_own_transactions", False):
            count = job(now)
        else:
            with transaction.atomic():
                count = job(now)
        if count:
            done[path.rsplit(".", 1)[-1]] = count
    return done
