"""Shared fixtures: master data loaded once per test database, and the personas of STYLE.md."""

import os

import pytest
from django.core.management import call_command

from core.models import User
from core.roles import Role
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real master data is part of every test database, as it is of every deployment."""
    with django_db_blocker.unblock():
        call_command("load_municipalities", verbosity=0)


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) tests for services this run does not have.

    `postgres` tests need PostgreSQL, `celery_worker` tests a real worker; CI's services pass
    has both and forbids skips, so every such test runs there. `faults` tests stop Redis and
    kill workers: they run only in CI's fault pass (KYOTSUKA_FAULT_TESTS=1), and that pass
    runs nothing else.
    """
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    real_worker = os.environ.get("KYOTSUKA_REAL_WORKER") == "1"
    fault_pass = os.environ.get("KYOTSUKA_FAULT_TESTS") == "1"
    keep, drop = [], []
    for item in items:
        if (
            (item.get_closest_marker("postgres") and not on_postgres)
            or (item.get_closest_marker("celery_worker") and not real_worker)
            or bool(item.get_closest_marker("faults")) != fault_pass
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def fixed_today():
    """Services refuse future dates: tests that write dated records run on 2026-11-24 (JST)."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False):
        yield dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a test database rolled back to the same change
    counter (candidates/cache.py) must not find an earlier test's dashboard."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def japanese_by_default():
    """Each test starts in Japanese, whatever language an earlier test activated."""
    from django.utils import translation

    with translation.override("ja"):
        yield


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    """Pages render {% static %} from the source tree, even with DJANGO_DEBUG=0 in the
    environment: production's hashed storage needs the manifest that collectstatic writes."""
    if settings.STATIC_MANIFEST:
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings.WHITENOISE_USE_FINDERS = True
        settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests create many users and check no password strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _make_user(username: str, role: Role | None = None, **extra) -> User:
    return UserFactory.create(username=username, role=role, **extra)


@pytest.fixture
def make_user(db):
    return _make_user


@pytest.fixture
def secretariat(db) -> User:
    return _make_user("secretariat", Role.SECRETARIAT, display_name="事務局 太郎")


@pytest.fixture
def wt_member(db) -> User:
    return _make_user("wt_member", Role.WT_MEMBER, display_name="WT メンバー")


@pytest.fixture
def outsider(db) -> User:
    return _make_user("outsider")


@pytest.fixture
def admin_user(db) -> User:
    return _make_user("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def wt_client(client, wt_member):
    client.force_login(wt_member)
    return client


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With KYOTSUKA_FORBID_SKIPS=1 (CI's pass on real services) a skipped test is a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("KYOTSUKA_FORBID_SKIPS") == "1":
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"


@pytest.fixture
def analyze_statements(django_capture_on_commit_callbacks):
    """Run a callable, with on-commit callbacks run too; the ANALYZE statements it sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(write) -> list[str]:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            write()
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]

    return run
