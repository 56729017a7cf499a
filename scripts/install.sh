#!/usr/bin/env bash
# Install everything the assistant needs on a fresh Debian machine with Python 3.11:
# the .doc converters (Debian packages), a virtualenv in .venv, the CPU build of torch,
# and the project itself. `scripts/install.sh --test` adds the test dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
if [[ "${1:-}" == "--test" ]]; then extras="[test]"; fi

# Debian package → a command it provides
declare -A apt_packages=([antiword]=antiword [catdoc]=catdoc [tesseract-ocr]=tesseract
                         [tesseract-ocr-vie]=/usr/share/tesseract-ocr/5/tessdata/vie.traineddata
                         [poppler-utils]=pdftoppm)
if [[ -n "$extras" ]]; then
  apt_packages[nginx-light]=nginx  # the streaming-through-a-proxy test
  apt_packages[chromium]=chromium  # the widget's browser tests (Playwright drives this one; no download)
fi
missing=()
for pkg in "${!apt_packages[@]}"; do
  cmd="${apt_packages[$pkg]}"
  command -v "$cmd" >/dev/null 2>&1 || [[ -x "/usr/sbin/$cmd" || -f "$cmd" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd="sudo"; fi
  echo "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}" >/dev/null
fi

python_bin="${PYTHON:-}"
if [[ -z "$python_bin" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
if [[ -z "$python_bin" ]]; then echo "Python 3.11 is required" >&2; exit 1; fi

if [[ ! -x .venv/bin/python ]]; then
  "$python_bin" -m venv .venv
fi

fingerprint="$(sha256sum pyproject.toml | cut -d' ' -f1)"
# the test install is a superset of the plain one
for stamp in ".venv/.installed[test]" ".venv/.installed${extras}"; do
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" ]]; then exit 0; fi
done
stamp=".venv/.installed${extras}"
echo "installing Python packages into .venv (the first run takes a few minutes)…"
.venv/bin/python -m pip install -q --upgrade pip
# the local CPU wheel; a bare "torch" would download several GB of CUDA builds
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".${extras}"
echo "$fingerprint" > "$stamp"
