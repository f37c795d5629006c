# A pipeline function (functions-framework, target `handle`) without system tools.
# Built by Cloud Build from a folder staged by infra/deploy/stage.py.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080

WORKDIR /app
COPY requirements.txt .
# Every package pinned and hash-checked (generated from pyproject.toml: ./dev.sh lock).
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt

COPY shortvideo ./shortvideo
COPY main.py .

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER 10001

# functions-framework reads PORT from the environment (Cloud Run sets it).
CMD ["functions-framework", "--target", "handle", "--source", "main.py", "--host", "0.0.0.0"]
