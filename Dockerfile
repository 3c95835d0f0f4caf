# The normalizer's HTTP service: a small, non-root image serving on 0.0.0.0:8080.
#
#   docker build -t normalizer .
#   docker run --rm -p 8080:8080 normalizer
#
# Configuration comes only from the environment: NORMALIZER_* variables (see README.md),
# for example -e NORMALIZER_WORKERS=4 -e NORMALIZER_TOKEN=... or -e NORMALIZER_PORT=9000;
# the command passes no flags, which would override them.
#
# The base image is an argument, for machines where Docker Hub is out of reach: any
# Debian-like image with python3 (3.11 or later), python3-venv and useradd will do, e.g.
#   docker build --build-arg PYTHON_IMAGE=local/debian-python:bookworm -t normalizer .
# (scripts/image_test.py makes such a base with debootstrap when it has to).
#
# A custom gazetteer: mount a folder on /gazetteer and name its files, either instead of
# the built-in gazetteer or in addition to it ("default" is the built-in one):
#
#   docker run --rm -p 8080:8080 -v "$PWD/gazetteer:/gazetteer:ro" \
#       -e NORMALIZER_GAZETTEER=/gazetteer/my.jsonl normalizer
#   ... -e NORMALIZER_GAZETTEER=default,/gazetteer/my.jsonl normalizer

ARG PYTHON_IMAGE=python:3.11-slim

# Build stage: install the project and its dependencies into a virtual environment.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY normalizer ./normalizer
COPY gazetteer ./gazetteer
RUN /opt/venv/bin/pip install --no-cache-dir . \
    # Compile the built-in gazetteer's index and parse the language profiles once, at
    # build time: faster start-up.
    && XDG_CACHE_HOME=/opt/cache /opt/venv/bin/python -c "import normalizer; normalizer.warm_up()"

# Runtime stage: the virtual environment only; no compilers, no pip cache, no sources.
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/opt/cache \
    NORMALIZER_HOST=0.0.0.0 \
    NORMALIZER_PORT=8080
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
# No curl in the image: the standard library asks /healthz on the configured port; any
# error exits non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NORMALIZER_PORT', '8080'), timeout=4)"]
# Exec form: gunicorn is PID 1 and receives SIGTERM itself (graceful shutdown).  No flags:
# host, port and every other setting come from NORMALIZER_* (above, or docker run -e).
CMD ["normalizer", "serve"]
