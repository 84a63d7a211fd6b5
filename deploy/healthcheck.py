"""The web container's healthcheck (the slim image has no curl): GET /healthz, exit 0 on 200.

docker-compose.yml runs it inside the container; .ci/stack_smoke runs it against the gunicorn
it starts. Django answers only to an allowed Host, so the request names the first entry of
DJANGO_ALLOWED_HOSTS (".example.jp" stands for example.jp and its subdomains).
"""

import os
import sys
import urllib.error
import urllib.request

URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
TIMEOUT_SECONDS = 8


def allowed_host() -> str | None:
    for entry in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        entry = entry.strip()
        if entry and entry != "*":
            return entry.lstrip(".")
    return None


def main() -> int:
    if not URL.startswith(("http://", "https://")):
        print("HEALTHCHECK_URL must be an http(s) URL")
        return 2
    host = allowed_host()
    request = urllib.request.Request(URL, headers={"Host": host} if host else {})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            print(response.status, response.read().decode())
            return 0
    except urllib.error.HTTPError as failed:
        print(failed.code, failed.read().decode())
    except OSError as failed:
        print("no answer:", failed)
    return 1


if __name__ == "__main__":
    sys.exit(main())
