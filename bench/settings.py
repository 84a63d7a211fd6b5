"""Settings for benchmark processes only (test client, gunicorn): the product's, plus a floor.

    DJANGO_SETTINGS_MODULE=bench.settings

Everything comes from config.settings (environment variables); this adds the URL of the
framework's floor (bench/urls.py) and, when KYOTSUKA_BENCH_SQLITE names a file, a second
database alias "sqlite_ref" holding a SQLite copy of the data set for the search comparison
(bench/routing.py chooses it for a block of code). The product never imports this module.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

ROOT_URLCONF = "bench.urls"

if os.environ.get("KYOTSUKA_BENCH_SQLITE"):
    DATABASES["sqlite_ref"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["KYOTSUKA_BENCH_SQLITE"],
    }
    DATABASE_ROUTERS = ["bench.routing.SwitchRouter"]
