"""Settings come from the environment; production mode refuses to start without a secret key."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import signing


def _clean_env(env_overrides: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(env_overrides)
    return env


def _run_check(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = _clean_env(env_overrides)
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


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60}


def _settings_of(env_overrides: dict[str, str], *names: str) -> dict:
    """The named settings as a fresh process started with these variables would see them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=_clean_env({"DJANGO_SETTINGS_MODULE": "config.settings", **env_overrides}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_production_serves_hashed_compressed_static_files_through_whitenoise():
    seen = _settings_of(PRODUCTION, "STORAGES", "MIDDLEWARE")
    assert seen["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert seen["MIDDLEWARE"][:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_development_serves_static_files_without_collectstatic():
    seen = _settings_of({}, "STORAGES", "WHITENOISE_USE_FINDERS")
    assert seen["STORAGES"]["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert seen["WHITENOISE_USE_FINDERS"] is True
    forced = _settings_of({"DJANGO_STATIC_MANIFEST": "1"}, "STORAGES")
    assert "Manifest" in forced["STORAGES"]["staticfiles"]["BACKEND"]


def test_the_health_check_is_answered_over_plain_http_in_production():
    exempt = _settings_of(PRODUCTION, "SECURE_REDIRECT_EXEMPT")["SECURE_REDIRECT_EXEMPT"]
    assert any(re.search(pattern, "healthz") for pattern in exempt)
    assert not any(re.search(pattern, "login/") for pattern in exempt)


def test_old_secret_keys_are_read_from_a_comma_separated_variable():
    seen = _settings_of(
        {**PRODUCTION, "DJANGO_SECRET_KEY_FALLBACKS": "old-key-one, old-key-two,"},
        "SECRET_KEY_FALLBACKS",
    )
    assert seen["SECRET_KEY_FALLBACKS"] == ["old-key-one", "old-key-two"]
    assert _settings_of(PRODUCTION, "SECRET_KEY_FALLBACKS")["SECRET_KEY_FALLBACKS"] == []


def test_sessions_and_links_signed_with_the_old_key_survive_a_rotation(settings):
    settings.SECRET_KEY = "old-" + "o" * 50
    signed = signing.dumps({"user": 1})
    settings.SECRET_KEY = "new-" + "n" * 50
    settings.SECRET_KEY_FALLBACKS = ["old-" + "o" * 50]
    assert signing.loads(signed) == {"user": 1}
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(signing.BadSignature):
        signing.loads(signed)
