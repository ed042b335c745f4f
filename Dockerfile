# One multi-stage build, one image target per service:
#   docker build --target gateway -t masterx/gateway .   (router, health, benchmark, simulator)
FROM python:3.11-slim AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
# Dependencies first, in their own layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY masterx ./masterx
COPY services ./services
COPY simulator ./simulator
COPY README.md ./
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 MASTERX_BIND_HOST=0.0.0.0
COPY --from=build /opt/venv /opt/venv
USER 10001:10001

FROM runtime AS gateway
EXPOSE 8001
HEALTHCHECK CMD ["python", "-c", "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8001/healthz', timeout=2)"]
CMD ["python", "-m", "services.gateway"]

FROM runtime AS router
EXPOSE 50051 9101
CMD ["python", "-m", "services.router"]

FROM runtime AS health
EXPOSE 50052 9102
CMD ["python", "-m", "services.health"]

FROM runtime AS benchmark
EXPOSE 50053 9103
CMD ["python", "-m", "services.benchmark"]

FROM runtime AS simulator
EXPOSE 8090
HEALTHCHECK CMD ["python", "-c", "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8090/healthz', timeout=2)"]
CMD ["python", "-m", "simulator"]
