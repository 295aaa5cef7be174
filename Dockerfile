# pressbot in a container: `docker build -t pressbot .`, then see compose.yaml and the README's
# "Deployment" section. The database lives on the /data volume; the bot runs as a non-root user.
#
# The same build twice: the base image is pinned to an exact Python release, and every package
# is installed from requirements/run.txt, one version with its hashes each, by the same script
# the README's set-up command runs (scripts/install-locked). Rebuild after `scripts/lock` or a
# new base tag: the tag is the only thing here that changes what goes into the image.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY scripts/install-locked ./scripts/
COPY src ./src
COPY data ./data
# A virtual environment at the path it keeps in the final image (its scripts name it).
RUN python -m venv /opt/pressbot && scripts/install-locked /opt/pressbot requirements/run.txt

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/pressbot/bin:$PATH
COPY --from=build /opt/pressbot /opt/pressbot
# /backups: where compose.yaml's backup service writes (a volume of its own).
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin pressbot \
    && mkdir /data /backups && chown pressbot:pressbot /data /backups \
    && chmod 0750 /data /backups

# The database (and its lock file, WAL and backups) on the volume; /healthz and /metrics on
# 127.0.0.1:8080 in polling mode. In webhook mode set PRESSBOT_LISTEN=0.0.0.0:8080 and publish it.
ENV PRESSBOT_DB_PATH=/data/pressbot.sqlite3 \
    PRESSBOT_HEALTH_LISTEN=127.0.0.1:8080
VOLUME ["/data"]
WORKDIR /data
USER pressbot

# The slim image has no curl: the check is Python's own urllib (a non-200 answer raises).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

# SIGTERM (docker stop) stops the bot cleanly: sends in flight finish and are recorded.
STOPSIGNAL SIGTERM
CMD ["pressbot", "run"]
