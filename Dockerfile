# excerpta: the sync daemon in a container.
#   docker build -t excerpta .
#   docker run -v ./config:/config:ro -v excerpta-data:/data -e READWISE_TOKEN excerpta
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    EXCERPTA_STATE=/data/state.sqlite

RUN useradd --create-home --uid 10001 excerpta \
    && mkdir -p /data /config \
    && chown excerpta:excerpta /data

WORKDIR /opt/excerpta
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && rm -rf /opt/excerpta/src

USER excerpta
VOLUME ["/data"]
# The daemon (`excerpta daemon --config /config/excerpta.toml`) arrives with the scheduling
# issue; until then the image validates the mounted configuration and shows the commands.
CMD ["sh", "-c", "excerpta config check /config/excerpta.toml; excerpta --help"]
