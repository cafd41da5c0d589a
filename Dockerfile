# excerpta: the sync daemon in a container.
#   docker build -t excerpta .
#   docker run -v ./config:/config:ro -v excerpta-data:/data -e READWISE_TOKEN -e TZ=Europe/Berlin excerpta
# With an [ingest] table listening on 0.0.0.0:8765, add -p 8765:8765 -e EXCERPTA_INGEST_TOKEN
# (the inbox is on the /data volume too).
# The state (unless the configuration names one) and the locks that keep two runs from
# writing one output live on the /data volume, so a `docker run … excerpta sync` beside the
# daemon's container takes turns with it.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    XDG_STATE_HOME=/data

RUN useradd --create-home --uid 10001 excerpta \
    && mkdir -p /data /config \
    && chown excerpta:excerpta /data

WORKDIR /opt/excerpta
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && rm -rf /opt/excerpta/src

USER excerpta
VOLUME ["/data"]
# The ingest endpoint, when the configuration has [ingest] listen = "0.0.0.0:8765".
EXPOSE 8765
# The daemon runs the mounted configuration's jobs on their schedules; `docker stop` sends
# SIGTERM, which it handles (exit 0). `excerpta sync` and `excerpta status` read the same file.
ENV EXCERPTA_CONFIG=/config/excerpta.toml
CMD ["excerpta", "daemon"]
