# A pipeline function that runs FFmpeg (the video agent cuts the tail of the video for Veo's
# extension). Built by Cloud Build from a folder staged by infra/deploy/stage.py.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080

# Debian bookworm's FFmpeg, the version the tests run with (apt-cache policy ffmpeg).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg=7:5.1.9-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt

COPY shortvideo ./shortvideo
COPY main.py .

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER 10001

CMD ["functions-framework", "--target", "handle", "--source", "main.py", "--host", "0.0.0.0"]
