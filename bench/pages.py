"""Time the busiest screens and API lists on a council-sized synthetic database (the default seed:
400 children and 90 in-house households in Wigan, a smaller Trafford, 40 agencies)."""

import os
import statistics
import tempfile
import time


def _prepare(**sizes):
    """Migrate the database DATABASE_URL names (a new SQLite file if none) and seed it: the default
    seed, or the numbers of children and households in `sizes`; returns the seconds seeding took."""
    folder = tempfile.mkdtemp(prefix="hearth-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["HEARTH_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hearth.people.seed import seed

    started = time.perf_counter()
    seed(demo_users=True, password="bench-password-not-secret", **sizes)
    return time.perf_counter() - started


def _median_ms(client, path, runs, **headers):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings) * 1000


def run(runs=15):
    seconds = _prepare()
    from django.test import Client

    from hearth.accounts.models import User
    from hearth.accounts.services import token_create

    results = [("seed the default synthetic data (with demo users)", seconds, "s")]
    social_worker = User.objects.get(username="wigan.social_worker")
    supervising = User.objects.get(username="wigan.supervising_social_worker")
    client = Client(HTTP_HOST="localhost")
    client.force_login(social_worker)
    first_child = social_worker.allocated_children.order_by("pk").first()
    for label, path in (
        ("home page, social worker", "/"),
        ("children list, first page of 50", "/children/"),
        ("a child's record", f"/children/{first_child.pk}/"),
    ):
        results.append((label, _median_ms(client, path, runs), "ms"))
    client.force_login(supervising)
    results.append(
        ("households list, first page of 50", _median_ms(client, "/households/", runs), "ms")
    )
    token = token_create(user=social_worker, name="bench")
    results.append(
        (
            "API children list, 50 a page",
            _median_ms(
                Client(HTTP_HOST="localhost"),
                "/api/v1/children?limit=50",
                runs,
                authorization=f"Bearer {token}",
            ),
            "ms",
        )
    )
    return results
