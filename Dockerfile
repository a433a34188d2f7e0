# Self-hosting image: Streamlit on 127.0.0.1:8501 behind nginx on $PORT (security headers, compression,
# blocked internal endpoints, upload and rate limits: deploy/nginx/), both as a non-root user.
#   docker build -t baclofen-teaching .
#   docker run -p 8080:8080 baclofen-teaching                  # http://localhost:8080
#   docker run -e PORT=9000 -p 9000:9000 baclofen-teaching      # another port
# The startup (deploy/entrypoint.py) and the nginx config are tested without Docker by tests/deploy/.
# Bookworm: its nginx (1.22) is the one those tests run against.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080 \
    STREAMLIT_PORT=8501 \
    NGINX_RUNTIME_DIR=/tmp/nginx

# nginx: the proxy (its Debian site config is not used: the entrypoint renders its own); curl: the health check
RUN apt-get update && apt-get install -y --no-install-recommends nginx curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 app && useradd --create-home --uid 10001 --gid 10001 app

WORKDIR /app
COPY requirements.txt pyproject.toml README.md ./
COPY pkmodels ./pkmodels
COPY dashboard ./dashboard
COPY .streamlit ./.streamlit
COPY deploy ./deploy
# precompress: FILE.gz beside each of Streamlit's frontend files and beside plotly's plotly.min.js (the live charts'
# script), sent by nginx's gzip_static (1.4 MB instead of 4.8 MB for plotly.js, and no CPU per request)
RUN pip install -r requirements.txt \
    && python deploy/precompress.py \
    && mkdir -p /app/.data \
    && chown -R app:app /app

USER app
EXPOSE 8080
# Through the proxy, so a dead nginx or a dead Streamlit both make the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl --fail --silent "http://127.0.0.1:${PORT}/_stcore/health" || exit 1

# Exec form: the entrypoint is PID 1, forwards SIGTERM to nginx and Streamlit and exits when either dies.
CMD ["python", "deploy/entrypoint.py"]
