# syntax=docker/dockerfile:1
# One image recipe for every deployable of the workspace: the six services and the
# partner simulators (devsim). Build context = the repository root.
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=intake -t socialaid/intake .
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=devsim \
#                --build-arg PACKAGE_DIR=tools/devsim -t socialaid/devsim .
#
# The image runs `python -m socialaid.<SERVICE> <CMD>`: `serve` (default, port 8000),
# `worker` or `migrate` for a service; `department|bank --host 0.0.0.0 --port N` for devsim.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build

ARG SERVICE
ARG PACKAGE_DIR=services/${SERVICE}
ARG UV_VERSION=0.13.9

RUN test -n "${SERVICE}" || { echo "build arg SERVICE is required (intake, verification, benefits, payments, relief, referral, devsim)" >&2; exit 1; }

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install "uv==${UV_VERSION}"

WORKDIR /app

# Only what the package needs: the workspace root (lock), the shared libraries and the
# deployable's own folder. Other workspace members are absent on purpose; with --frozen
# uv installs from uv.lock without re-resolving the workspace.
COPY pyproject.toml uv.lock ./
COPY libs/ libs/
COPY ${PACKAGE_DIR}/ ${PACKAGE_DIR}/

# Workspace members are installed editable (uv's default): the venv points at
# /app/libs/*/src and /app/${PACKAGE_DIR}/src, and a service finds its alembic.ini and
# migrations/ next to its sources. The runtime stage therefore keeps /app as it is.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "socialaid-${SERVICE}" \
 && /app/.venv/bin/python -m compileall -q /app/libs "/app/${PACKAGE_DIR}" \
 && /app/.venv/bin/python -c "import importlib; importlib.import_module('socialaid.${SERVICE}')" \
 && printf '#!/bin/sh\nexec /app/.venv/bin/python -m socialaid.%s "$@"\n' "${SERVICE}" > /app/entrypoint \
 && chmod 0755 /app/entrypoint

# -------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime

ARG SERVICE
LABEL org.opencontainers.image.title="socialaid-${SERVICE}"

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/app/.venv/bin:${PATH} \
    SOCIALAID_SERVICE=${SERVICE} \
    HEALTHCHECK_PORT=8000

RUN groupadd --system --gid 10001 socialaid \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin socialaid

WORKDIR /app
# Owned by root, read-only for the service user: works with readOnlyRootFilesystem.
COPY --from=build /app /app

USER 10001:10001
# 8000: the API (serve); 9000: a worker's /healthz and /metrics when <SVC>_WORKER_PORT=9000.
EXPOSE 8000 9000

# Liveness on /healthz of HEALTHCHECK_PORT: the API by default; compose points workers at their
# own port; migrate and the one-shot jobs disable it; the simulators set HEALTHCHECK_PORT.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/app/.venv/bin/python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTHCHECK_PORT', '8000'), timeout=4)"]

# /app/entrypoint is `exec /app/.venv/bin/python -m socialaid.${SERVICE} "$@"`, written at
# build time (an exec-form ENTRYPOINT cannot expand a build arg).
ENTRYPOINT ["/app/entrypoint"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
