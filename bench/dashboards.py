"""Time the dashboards of team managers, service leads and directors (and one list of records
each) on a council-sized synthetic database: the default seed (400 children and 90 in-house
households in Wigan, with their placements, meetings, fostering history and SSDA903 episodes),
as `bench/pages.py` prepares it. Each must answer in under a second."""

from bench import pages

RUNS = 7
PAGES = (
    ("wigan.team_manager", "team dashboard, team manager", "/dashboards/team/"),
    ("wigan.team_manager", "team dashboard, a list of children (placements ending)",
     "/dashboards/team/?figure=endings"),
    ("wigan.service_lead", "service dashboard, service lead", "/dashboards/service/"),
    ("wigan.service_lead", "service dashboard, a list of children (waiting, by team)",
     "/dashboards/service/?figure=waiting"),
    ("wigan.director", "director's dashboard, director", "/dashboards/director/"),
    ("wigan.director", "director's dashboard, children looked after on the 1st of this month",
     "/dashboards/director/?figure=looked_after&month={this_month}"),
)  # fmt: skip


def run(runs=RUNS):
    seconds = pages._prepare()
    from django.test import Client
    from django.utils import timezone

    from hearth.accounts.models import User

    results = [("seed the default synthetic data (with demo users)", seconds, "s")]
    client = Client(HTTP_HOST="localhost")
    for username, label, path in PAGES:
        client.force_login(User.objects.get(username=username))
        path = path.format(this_month=f"{timezone.localdate():%Y-%m}")
        results.append((label, pages._median_ms(client, path, runs), "ms"))
    return results
