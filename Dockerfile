# syntax=docker/dockerfile:1.7
# One multi-stage build, one final image per component:
#   docker build --target router -t masterx/router .     (gateway, router, health, benchmark, simulator)
# Every image installs the shared dependencies of uv.lock plus its own extra only, in a layer of
# its own; each final stage then adds only its own package (plus the shared runtime package
# `masterx`), so a router image holds no gateway or benchmark code, and no image holds the
# tooling (CLI, launcher, evaluation, training).
# The final stages hold no compiler, no uv and no source of the build tooling; they run as the
# numeric non-root user 10001 and write nothing outside /tmp (Kubernetes mounts the root
# file system read-only; `docker compose` does too).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG UV_VERSION=0.13.9

# ---- dependencies: their own layers, rebuilt only when pyproject.toml or uv.lock changes ----
# One stage per image, each with the shared dependencies and its own extra only (pyproject.toml
# [project.optional-dependencies]): a gateway image holds no MongoDB driver, a health image no
# numpy. grpcio-tools (protoc) only generates the committed stubs: left out of every image.
FROM ${PYTHON_IMAGE} AS uv
ARG UV_VERSION
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
WORKDIR /src
COPY pyproject.toml uv.lock ./

FROM uv AS deps-gateway
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --extra gateway \
        --no-install-package grpcio-tools --no-install-package setuptools

FROM uv AS deps-router
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --extra router \
        --no-install-package grpcio-tools --no-install-package setuptools

FROM uv AS deps-health
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --extra health \
        --no-install-package grpcio-tools --no-install-package setuptools

FROM uv AS deps-benchmark
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --extra benchmark \
        --no-install-package grpcio-tools --no-install-package setuptools

FROM uv AS deps-simulator
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --extra simulator \
        --no-install-package grpcio-tools --no-install-package setuptools

# ---- the code, byte-compiled once (the images' root file system is read-only) ----
# The runtime packages only: tooling/ (CLI, launcher, evaluation, training) stays out.
FROM ${PYTHON_IMAGE} AS code
WORKDIR /app
COPY masterx ./masterx
COPY services ./services
COPY simulator ./simulator
RUN python -m compileall -q -j 0 masterx services simulator

# ---- bubblewrap, the benchmark's code sandbox (services/benchmark/isolation.py) ----
# Installed here and copied (the binary, and libcap, which the slim image may lack) into the
# benchmark image, so no final image runs apt-get.
FROM ${PYTHON_IMAGE} AS sandbox
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bubblewrap \
    && for file in /usr/bin/bwrap $(ldd /usr/bin/bwrap | awk '/libcap\.so/ {print $3}'); do \
         dir="/out$(dirname "$(readlink -f "$file")")"; \
         mkdir -p "$dir" && cp -L "$file" "$dir/"; \
       done \
    && /out/usr/bin/bwrap --version

# ---- what every final image shares: the interpreter, the dependencies, the shared package ----
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 masterx \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /tmp \
        --shell /usr/sbin/nologin masterx
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    MASTERX_BIND_HOST=0.0.0.0
COPY --chmod=0755 deploy/docker/healthcheck.py /usr/local/bin/masterx-healthcheck
WORKDIR /app
COPY --from=code /app/masterx ./masterx
COPY --from=code /app/services/__init__.py ./services/__init__.py
USER 10001:10001

FROM runtime AS gateway
COPY --from=deps-gateway /opt/venv /opt/venv
COPY --from=code /app/services/gateway ./services/gateway
EXPOSE 8001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["masterx-healthcheck", "http", "gateway"]
CMD ["python", "-m", "services.gateway"]

FROM runtime AS router
COPY --from=deps-router /opt/venv /opt/venv
COPY --from=code /app/services/router ./services/router
EXPOSE 50051 9101
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["masterx-healthcheck", "grpc", "router"]
CMD ["python", "-m", "services.router"]

FROM runtime AS health
COPY --from=deps-health /opt/venv /opt/venv
COPY --from=code /app/services/health ./services/health
EXPOSE 50052 9102
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["masterx-healthcheck", "grpc", "health"]
CMD ["python", "-m", "services.health"]

FROM runtime AS benchmark
COPY --from=deps-benchmark /opt/venv /opt/venv
COPY --from=sandbox /out/usr /usr
COPY --from=code /app/services/benchmark ./services/benchmark
EXPOSE 50053 9103
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["masterx-healthcheck", "grpc", "benchmark"]
CMD ["python", "-m", "services.benchmark"]

# The simulator answers benchmark prompts from the suites: it gets their data files, not the code.
FROM runtime AS simulator
COPY --from=deps-simulator /opt/venv /opt/venv
COPY --from=code /app/simulator ./simulator
COPY --from=code /app/services/benchmark/suites ./services/benchmark/suites
EXPOSE 8090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["masterx-healthcheck", "http", "simulator"]
CMD ["python", "-m", "simulator"]
