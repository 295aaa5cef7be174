# pressbot in a container: `docker build -t pressbot .`, then see compose.yaml and the README's
# "Deployment" section. The database lives on the /data volume; the bot runs as a non-root user.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY data ./data
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin pressbot \
    && mkdir /data && chown pressbot:pressbot /data

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
