"""Readiness of what a request or a report needs: the database and the Celery broker.

Each check answers within a few seconds whatever the far side does (refuses, hangs, is not
there), so a health check never ties up a gunicorn worker. Failures are logged with their
cause; the answer itself names only the part that failed, as /healthz needs no login.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
# No broker configured: tasks run inside the web process (the embedded default).
IN_PROCESS = "in-process"
HEALTHY = {OK, IN_PROCESS}

BROKER_TIMEOUT_SECONDS = 2  # kombu's ensure_connection takes whole seconds


def database_status() -> str:
    """OK if the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the cause is logged
        # One line, no traceback: compose asks every 15 seconds while the database is down.
        logger.warning("health check: database unavailable: %r", exc)
        return UNAVAILABLE
    return OK


def broker_status() -> str:
    """OK if the broker answers within BROKER_TIMEOUT_SECONDS; IN_PROCESS if there is none."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return IN_PROCESS
    try:
        if urlsplit(url).scheme in {"redis", "rediss"}:
            _redis_ping(url)
        else:
            _kombu_connect(url)
    except Exception as exc:  # noqa: BLE001 - refused, timed out, bad credentials: "not ready"
        logger.warning("health check: broker unavailable: %r", exc)
        return UNAVAILABLE
    return OK


def _redis_ping(url: str) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # One try, short timeouts: a stopped Redis refuses at once, a hung one times out.
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        retry=Retry(backoff=NoBackoff(), retries=0),
    )
    try:
        client.ping()
    finally:
        client.close()


def _kombu_connect(url: str) -> None:
    from kombu import Connection

    with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
