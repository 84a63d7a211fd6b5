"""Response headers and cookies that keep browsers safe: the Content Security Policy (no inline
script or style anywhere), framing, Secure/HttpOnly/SameSite cookies in production, and CSRF."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from candidates.models import Candidate
from tests.core.test_settings import PRODUCTION, _clean_env, _settings_of

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def test_every_page_carries_the_content_security_policy(client, secretariat):
    assert _policy(client.get(reverse("login"))) == POLICY
    client.force_login(secretariat)
    for url in [reverse("candidates:dashboard"), reverse("candidates:reports")]:
        response = client.get(url)
        assert response.status_code == 200
        assert _policy(response) == POLICY
    header = client.get(reverse("hearings:search")).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "data:" not in header


def test_the_error_pages_carry_it_too(secretariat):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat)
    assert _policy(client.get("/candidates/999999/")) == POLICY


def test_pages_cannot_be_framed_or_sniffed(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered by WeasyPrint into the council PDF, never served to a browser.
NOT_SERVED = TEMPLATES / "candidates" / "report"
COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "htmx inline handler": re.compile(r"\shx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_has_inline_script_or_style_the_policy_would_block():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if NOT_SERVED in path.parents:
            continue
        text = COMMENT.sub("", path.read_text(encoding="utf-8"))
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {what}: {match.group(0)!r}")
    assert not found, "\n".join(found)


def test_htmx_is_told_to_inject_no_style_and_evaluate_nothing(client, wt_member):
    client.force_login(wt_member)
    body = client.get(reverse("candidates:reports")).content.decode()
    assert "vendor/htmx.min.js" in body
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)
    assert meta, "htmx-config meta missing"
    config = json.loads(meta.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False


# --- cookies and CSRF --------------------------------------------------------------------

COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
)


@pytest.fixture(scope="module")
def production_cookies() -> dict:
    return _settings_of(PRODUCTION, *COOKIE_SETTINGS)


def test_production_cookies_are_secure_httponly_and_same_site_lax(production_cookies):
    assert production_cookies == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


def test_a_login_response_sets_its_cookies_with_those_attributes(production_cookies, secretariat):
    client = Client()
    with override_settings(**production_cookies):
        login_page = client.get(reverse("login"))
        csrf = login_page.cookies["csrftoken"]
        response = client.post(
            reverse("login"), {"username": "secretariat", "password": "pw-for-tests-only"}
        )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    raw = session.output()
    assert "Secure" in raw and "HttpOnly" in raw and "SameSite=Lax" in raw


def test_a_write_without_a_csrf_token_is_refused_and_changes_nothing(secretariat):
    from candidates.models import Ministry

    ministry = Ministry.objects.create(name="国土交通省")
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    data = {"name": "偽の候補", "selected_fiscal_year": 2025, "lead_ministry": ministry.pk}
    response = client.post(reverse("candidates:create"), data)
    assert response.status_code == 403
    assert not Candidate.objects.exists()
    # The same form with the page's token goes through: the refusal was the missing token.
    token = client.get(reverse("candidates:create")).cookies["csrftoken"].value
    response = client.post(reverse("candidates:create"), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Candidate.objects.filter(name="偽の候補").exists()


def test_a_login_without_a_csrf_token_is_refused(secretariat):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "secretariat", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_deployment_checklist_is_clean_in_production_mode():
    env = _clean_env(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.urandom(48).hex()[:64],
            "DJANGO_ALLOWED_HOSTS": "kyotsuka.example.jp",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
