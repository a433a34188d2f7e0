# Self-hosting image for the teaching dashboard.
#   docker build -t baclofen-teaching .
#   docker run -p 8501:8501 baclofen-teaching                  # http://localhost:8501
#   docker run -e PORT=9000 -p 9000:9000 baclofen-teaching      # another port
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501

# curl for the health check only
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app

WORKDIR /app
COPY requirements.txt pyproject.toml ./
COPY pkmodels ./pkmodels
COPY dashboard ./dashboard
COPY .streamlit ./.streamlit
RUN pip install -r requirements.txt && chown -R app:app /app

USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl --fail --silent "http://127.0.0.1:${PORT}/_stcore/health" || exit 1

# Shell form so ${PORT} expands; exec replaces the shell so signals reach streamlit.
CMD exec streamlit run dashboard/app.py --server.port="${PORT}" --server.address=0.0.0.0 --server.headless=true
