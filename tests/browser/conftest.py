"""The real Hearth, served by `hearth serve` on a demo database, driven in Chromium by Playwright.

One server and one browser for the session; every test opens contexts of its own. Tests reach the
data only through the served pages, as a user would.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.personas import ADMINISTRATOR, SOCIAL_WORKER, SUPERVISING_SOCIAL_WORKER, sign_in

REPOSITORY = Path(__file__).resolve().parents[2]
HEARTH = Path(sys.executable).parent / "hearth"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Settings the server takes from this environment only; the rest (PATH, HOME) is inherited.
SERVER_SETTINGS = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "HEARTH_DEMO", "HEARTH_TESTING")
SERVER_SETTINGS += ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")
STARTUP_SECONDS = 30
TIMEOUT_MS = 10_000


def pytest_configure(config):
    # The browser tests share one server and one browser, so under xdist (--dist loadgroup) they
    # run in one worker; the marker is declared here too for runs with -p no:xdist.
    config.addinivalue_line("markers", "xdist_group(name): run the group's tests in one worker")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(path, lines=30):
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def demo_password():
    return f"Browser-{secrets.token_urlsafe(18)}"


@pytest.fixture(scope="session")
def server_environment(tmp_path_factory):
    """The environment `hearth serve` runs in: its own demo database."""
    folder = tmp_path_factory.mktemp("browser")
    env = {name: value for name, value in os.environ.items() if name not in SERVER_SETTINGS}
    return env | {"DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}", "HEARTH_DEMO": "1"}


@pytest.fixture(scope="session")
def server(server_environment, demo_password):
    """The base URL of `hearth serve` on a freshly seeded demo database."""
    env = server_environment
    folder = Path(env["DATABASE_URL"].removeprefix("sqlite:///")).parent
    demo = subprocess.run(
        [HEARTH, "demo", "--no-serve", "--password", demo_password],
        cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, f"hearth demo failed:\n{demo.stderr}"
    base_url = f"http://127.0.0.1:{_free_port()}"
    log = folder / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [HEARTH, "serve", "--addr", base_url.removeprefix("http://")],
            cwd=REPOSITORY, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_until_healthy(process, f"{base_url}/healthz", log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process, url, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _answers(url):
        if process.poll() is not None:
            pytest.fail(f"hearth serve exited with {process.returncode}:\n{_log_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"hearth serve did not answer {url} in {STARTUP_SECONDS} s:\n{_log_tail(log)}"
            )
        time.sleep(0.1)


# One round of `hearth worker`'s timed jobs (not its mail) on the served database, with the clock
# moved to a given time: a deadline passes without the test waiting for it.
JOBS_AT = """
import sys, time_machine
from datetime import datetime
with time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=False):
    import django
    django.setup()
    from hearth.trays.jobs import run_jobs
    print(run_jobs())
"""


@pytest.fixture(scope="session")
def run_jobs_at(server, server_environment):
    """`run_jobs_at(aware_datetime)`: what the jobs did, as `hearth worker` would at that time."""

    def run(when):
        env = server_environment | {"DJANGO_SETTINGS_MODULE": "hearth.config.settings"}
        done = subprocess.run(
            [sys.executable, "-c", JOBS_AT, when.isoformat()],
            cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"the jobs failed:\n{done.stderr}"
        return done.stdout.strip()

    return run


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": .ci/run installs it")
        pytest.skip(message + ": browser tests skipped")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sign_ins(browser, server, demo_password):
    """Each persona signs in once; later contexts reuse the session cookie."""
    states = {}

    def state_of(username):
        if username not in states:
            context = browser.new_context(base_url=server)
            page = context.new_page()
            sign_in(page, username, demo_password)
            assert page.url == f"{server}/", f"{username} did not reach the home page: {page.url}"
            states[username] = context.storage_state()
            context.close()
        return states[username]

    return state_of


@pytest.fixture
def open_page(browser, server, sign_ins):
    """`open_page(username=None, bypass_csp=True)`: a page in a new context, signed in as username.

    bypass_csp lets axe-core be injected as a script; a test of the CSP itself passes False.
    """
    contexts = []

    def opener(username=None, *, bypass_csp=True):
        state = sign_ins(username) if username else None
        context = browser.new_context(base_url=server, bypass_csp=bypass_csp, storage_state=state)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def records(browser, server, sign_ins):
    """Paths of records reached the way a user reaches them: the first link of each list."""
    found = {}
    for persona, name, list_path in (
        (SOCIAL_WORKER, "child", "/children/"),
        (SUPERVISING_SOCIAL_WORKER, "household", "/households/"),
        (SUPERVISING_SOCIAL_WORKER, "provider", "/providers/"),
        (ADMINISTRATOR, "person", "/manage/people/"),
    ):
        context = browser.new_context(base_url=server, storage_state=sign_ins(persona))
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(list_path)
        page.locator("table.govuk-table tbody a.govuk-link").first.click()
        page.wait_for_load_state()
        found[name] = page.url.removeprefix(server)
        context.close()
    return found
