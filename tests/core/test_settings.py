"""Settings come from the environment; production mode refuses to start without a secret key."""

import os
import subprocess
import sys

from django.conf import settings


def _run_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_without_a_secret_key_refuses_to_start_with_a_clear_message():
    result = _run_check({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "秘密鍵" in result.stderr


def test_production_mode_with_a_secret_key_starts():
    result = _run_check({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


def test_the_embedded_default_is_japanese_in_tokyo():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
