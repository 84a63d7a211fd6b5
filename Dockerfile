# One image for every process of the production stack (docker-compose.yml): web (gunicorn, the
# default command), the Celery worker, beat and the one-shot migrate, each started by
# deploy/start. The build steps are in deploy/image-build, which .ci/image_steps also runs on
# the CI machine, since no container engine runs there.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app

# WeasyPrint's libraries, libharfbuzz-subset0 among them (deploy/system-packages.txt). No font
# package: the Japanese font (Noto Sans JP, OFL) ships in static/fonts and WeasyPrint loads it
# from there.
COPY deploy/image-build deploy/system-packages.txt deploy/
RUN deploy/image-build system && rm -rf /var/lib/apt/lists/*

# Never root at run time. Reports are written to the media volume; its mount point is created
# here, owned by this user, so that a new named volume starts out writable by it.
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/kyotsuka kyotsuka \
    && mkdir -p /data/media /data/backup && chown kyotsuka:kyotsuka /data/media /data/backup

# Dependencies before the code, so that a code change rebuilds only the layers after this one.
COPY requirements/base.lock requirements/
RUN python -m venv /opt/venv && deploy/image-build python

# Translations compiled and static files collected (hashed, compressed) into /app/staticfiles,
# which whitenoise serves from gunicorn.
COPY . .
RUN deploy/image-build assets

ENV DJANGO_MEDIA_ROOT=/data/media
USER 10001:10001
EXPOSE 8000
CMD ["deploy/start", "web"]
