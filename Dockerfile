# The normalizer's HTTP service: a small, non-root image serving on 0.0.0.0:8080.
#
#   docker build -t normalizer .
#   docker run --rm -p 8080:8080 normalizer
#
# Configuration comes only from the environment: NORMALIZER_* variables (see README.md),
# for example -e NORMALIZER_WORKERS=4 -e NORMALIZER_TOKEN=... .
#
# A custom gazetteer: mount a folder on /gazetteer and name its files, either instead of
# the built-in gazetteer or in addition to it ("default" is the built-in one):
#
#   docker run --rm -p 8080:8080 -v "$PWD/gazetteer:/gazetteer:ro" \
#       -e NORMALIZER_GAZETTEER=/gazetteer/my.jsonl normalizer
#   ... -e NORMALIZER_GAZETTEER=default,/gazetteer/my.jsonl normalizer

# Build stage: install the project and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY normalizer ./normalizer
COPY gazetteer ./gazetteer
RUN /opt/venv/bin/pip install --no-cache-dir . \
    # Compile the built-in gazetteer's index and parse the language profiles once, at
    # build time: faster start-up.
    && XDG_CACHE_HOME=/opt/cache /opt/venv/bin/python -c "import normalizer; normalizer.warm_up()"

# Runtime stage: the virtual environment only; no compilers, no pip cache, no sources.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/opt/cache
RUN groupadd --system --gid 10001 normalizer \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --no-create-home \
        --shell /usr/sbin/nologin normalizer
COPY --from=build /opt/venv /opt/venv
# The compiled index of the built-in gazetteer and the parsed language profiles;
# writable, so that the index of a custom gazetteer is kept too (an unwritable cache is
# no error, only a slower start).
COPY --from=build --chown=10001:10001 /opt/cache /opt/cache
WORKDIR /srv
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001
# Custom gazetteer files go here (see above); read-only is enough.
VOLUME ["/gazetteer"]
EXPOSE 8080
# No curl in the image: the standard library asks /healthz; any error exits non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
# Exec form: gunicorn is PID 1 and receives SIGTERM itself (graceful shutdown).
CMD ["normalizer", "serve", "--host", "0.0.0.0", "--port", "8080"]
