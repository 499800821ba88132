# egov for an office: the dashboard over the office's own warehouse (`egov serve`), behind the
# HTTPS reverse proxy of compose.yaml. Data (warehouse, accounts, uploads) live on the /data
# volume, backups on /backups. See README, "Deploying for an office".
FROM python:3.11-slim

# uv from its official image: the same resolver and lock file as development
COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /uvx /bin/

# Chinese fonts for the PNG/PDF exports and the briefing pack (README, Dashboard)
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv PATH=/app/.venv/bin:$PATH
WORKDIR /app

# dependencies first (a layer that changes only with uv.lock), then the project
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

RUN useradd --system --uid 10001 --home-dir /data egov \
    && mkdir -p /data/warehouse /backups && chown -R egov /data /backups
USER egov
ENV EGOV_DB=/data/warehouse/egov.duckdb
VOLUME ["/data", "/backups"]
EXPOSE 8501

# Streamlit's own health endpoint; python rather than curl (not in the slim image)
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=5).status == 200 else 1)"]

# 0.0.0.0 inside the container: only the proxy reaches it (compose.yaml publishes no port of
# this service); egov serve refuses to start until an account exists
CMD ["egov", "serve", "--db", "/data/warehouse/egov.duckdb", "--address", "0.0.0.0", "--port", "8501", "--no-browser"]
