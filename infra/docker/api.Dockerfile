# The creator API (FastAPI under uvicorn). Built by Cloud Build from a folder staged by
# infra/deploy/stage.py.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt

COPY shortvideo ./shortvideo

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER 10001

# A shell only to expand $PORT; exec hands PID 1 to uvicorn so SIGTERM reaches it.
CMD ["sh", "-c", "exec uvicorn --factory shortvideo.api.main:build --host 0.0.0.0 --port \"$PORT\" --no-server-header"]
