#!/usr/bin/env python3
"""Offline checks of docker-compose.yml (run by deploy/validate.sh; needs PyYAML, jsonschema
and check-jsonschema, which ships the compose-spec JSON schema).

1. The file, with its anchors and merge keys resolved, validates against the compose-spec
   schema (unknown keys, wrong types and bad `depends_on` conditions fail).
2. Structure: every service has an image or a build; build files, contexts and package
   folders exist; `depends_on` targets exist, `service_healthy` targets have a health
   check, `service_completed_successfully` targets are one-shot.
3. The socialaid contract with deploy/local/stack.py: per service a `migrate-<svc>`,
   `<svc>-api` (host port of stack.py -> 8000) and `<svc>-worker`, each with exactly its
   own `<SVC>_DATABASE_URL` / `<SVC>_KAFKA_BOOTSTRAP` (+ the partner URL it needs); the
   worker alone also `<SVC>_WORKER_HOST=0.0.0.0` / `<SVC>_WORKER_PORT=9000`, a health
   check on that port's /healthz and the host port of stack.py's worker_port(); the
   simulators on their stack.py ports, the topics job, postgres 15 and apache/kafka 4.x
   with auto-create off.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "k8s"))
import generate  # noqa: E402  (sources of truth: stack.py SERVICES / SIMULATORS)

EXTRA_ENV = {
    "verification": {"VERIFICATION_DEPARTMENT_URL": "http://department-sim:8101"},
    "payments": {"PAYMENTS_BANK_URL": "http://bank-sim:8102"},
}
WORKER_PORT = generate.WORKER_PORT  # container port of the worker's /healthz and /metrics


def compose_schema() -> dict[str, Any]:
    res = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(res.read_text())


def env_of(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: str(v) for k, v in env.items()}


def check(path: Path) -> list[str]:
    errors: list[str] = []
    doc = yaml.safe_load(path.read_text())

    validator_cls = jsonschema.validators.validator_for(compose_schema())
    for err in sorted(validator_cls(compose_schema()).iter_errors(doc), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        errors.append(f"compose-spec: {where}: {err.message}")

    services: dict[str, dict[str, Any]] = doc.get("services") or {}
    lock = (ROOT / "uv.lock").read_text()

    # ---- structure
    for name, svc in services.items():
        if "image" not in svc and "build" not in svc:
            errors.append(f"{name}: neither image nor build")
        build = svc.get("build")
        if isinstance(build, dict):
            context = ROOT / build.get("context", ".")
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                errors.append(f"{name}: build.dockerfile {dockerfile} does not exist")
            args = build.get("args") or {}
            pkg = args.get("SERVICE")
            if pkg:
                pkg_dir = context / args.get("PACKAGE_DIR", f"services/{pkg}")
                if not (pkg_dir / "pyproject.toml").is_file():
                    errors.append(f"{name}: package folder {pkg_dir} has no pyproject.toml")
                if f'"socialaid-{pkg}"' not in lock:
                    errors.append(f"{name}: socialaid-{pkg} is not a member in uv.lock "
                                  "(uv sync --frozen --package would fail)")
                if not (pkg_dir / "src" / "socialaid" / pkg / "__main__.py").is_file():
                    errors.append(f"{name}: no module socialaid.{pkg}.__main__ in {pkg_dir}/src")
        deps = svc.get("depends_on") or {}
        for target, cond in (deps.items() if isinstance(deps, dict) else ((d, {}) for d in deps)):
            if target not in services:
                errors.append(f"{name}: depends_on unknown service {target!r}")
                continue
            condition = (cond or {}).get("condition", "service_started")
            tsvc = services[target]
            hc = tsvc.get("healthcheck") or {}
            if condition == "service_healthy":
                if hc.get("disable"):
                    errors.append(f"{name}: waits for {target} healthy, but its healthcheck is disabled")
                elif "test" not in hc and "build" not in tsvc:
                    errors.append(f"{name}: waits for {target} healthy, but it defines no healthcheck")
            if condition == "service_completed_successfully" and tsvc.get("restart", "no") != "no":
                errors.append(f"{name}: waits for {target} to complete, but {target} restarts")

    # ---- the socialaid contract
    def expect(cond: bool, msg: str) -> None:
        if not cond:
            errors.append(msg)

    pg = services.get("postgres", {})
    expect(str(pg.get("image", "")).split(":")[0] in ("postgres", "docker.io/library/postgres")
           and str(pg.get("image", "")).split(":")[-1].split(".")[0] == "15",
           "postgres: expected the official postgres:15 image")
    expect(any("docker-entrypoint-initdb.d" in str(v) for v in pg.get("volumes", [])),
           "postgres: the init scripts (deploy/docker/initdb) are not mounted")
    initdb = (ROOT / "deploy" / "docker" / "initdb" / "01-databases.sql").read_text()
    kafka = services.get("kafka", {})
    expect(re.fullmatch(r"apache/kafka:4\.\d+\.\d+", str(kafka.get("image", "")).strip()) is not None,
           "kafka: expected the official apache/kafka:4.x image")
    kenv = env_of(kafka)
    expect(kenv.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") == "false", "kafka: auto-create must be off")
    expect(kenv.get("KAFKA_PROCESS_ROLES") == "broker,controller", "kafka: not a KRaft single node")
    expect("PLAINTEXT://kafka:9092" in kenv.get("KAFKA_ADVERTISED_LISTENERS", ""),
           "kafka: must advertise kafka:9092")
    topics = services.get("topics", {})
    argv = [*(topics.get("entrypoint") or []), *(topics.get("command") or [])]
    expect(" ".join(argv).endswith("-m socialaid.events.admin create-topics --bootstrap kafka:9092"),
           "topics: expected python -m socialaid.events.admin create-topics --bootstrap kafka:9092")

    for svc, port in generate.read_services().items():
        expect(f"CREATE DATABASE {svc} " in initdb, f"initdb: no CREATE DATABASE {svc}")
        up = svc.upper()
        want = {f"{up}_DATABASE_URL": f"postgresql+asyncpg://socialaid:socialaid@postgres:5432/{svc}",
                f"{up}_KAFKA_BOOTSTRAP": "kafka:9092", **EXTRA_ENV.get(svc, {})}
        for role in (f"migrate-{svc}", f"{svc}-api", f"{svc}-worker"):
            if role not in services:
                errors.append(f"missing compose service {role}")
                continue
            s = services[role]
            env = env_of(s)
            for k, v in want.items():
                expect(env.get(k) == v, f"{role}: {k}={env.get(k)!r}, expected {v!r}")
            worker_env = {f"{up}_WORKER_HOST": "0.0.0.0", f"{up}_WORKER_PORT": str(WORKER_PORT)}
            for k, v in worker_env.items():
                if role == f"{svc}-worker":
                    expect(env.get(k) == v, f"{role}: {k}={env.get(k)!r}, expected {v!r} "
                                            "(the worker's /healthz and /metrics)")
                else:
                    expect(k not in env, f"{role}: {k} belongs to the worker only")
            for k in env:
                foreign = k.split("_", 1)[0].lower()
                expect(foreign == svc or foreign not in generate.read_services(),
                       f"{role}: sees another service's setting {k}")
            expect((s.get("build") or {}).get("args", {}).get("SERVICE") == svc,
                   f"{role}: not built with SERVICE={svc}")
        api = services.get(f"{svc}-api", {})
        expect(f"{port}:8000" in [str(p) for p in api.get("ports", [])],
               f"{svc}-api: expected port mapping {port}:8000")
        worker = services.get(f"{svc}-worker", {})
        expect((worker.get("command") or [None])[0] == "worker", f"{svc}-worker: command must be worker")
        hc = worker.get("healthcheck") or {}
        hc_test = hc.get("test") or []
        hc_test = " ".join(hc_test) if isinstance(hc_test, list) else str(hc_test)
        expect(not hc.get("disable") and f"http://127.0.0.1:{WORKER_PORT}/healthz" in hc_test,
               f"{svc}-worker: healthcheck must GET http://127.0.0.1:{WORKER_PORT}/healthz")
        host_port = generate.local_worker_port(svc)
        expect(f"{host_port}:{WORKER_PORT}" in [str(p) for p in worker.get("ports", [])],
               f"{svc}-worker: expected port mapping {host_port}:{WORKER_PORT} (stack.py worker_port)")
        expect((services.get(f"migrate-{svc}", {}).get("command") or [None])[0] == "migrate",
               f"migrate-{svc}: command must be migrate")
        for role in (f"{svc}-api", f"{svc}-worker"):
            dep = (services.get(role, {}).get("depends_on") or {})
            expect((dep.get(f"migrate-{svc}") or {}).get("condition") == "service_completed_successfully",
                   f"{role}: must wait for migrate-{svc} to complete")
            expect((dep.get("topics") or {}).get("condition") == "service_completed_successfully",
                   f"{role}: must wait for the topics job")

    for kind, port in generate.read_simulators().items():
        name = f"{kind}-sim"
        s = services.get(name)
        if s is None:
            errors.append(f"missing compose service {name}")
            continue
        expect((s.get("command") or [None])[0] == kind and str(port) in map(str, s.get("command", [])),
               f"{name}: expected command {kind} ... --port {port}")
        expect(env_of(s).get("HEALTHCHECK_PORT") == str(port), f"{name}: HEALTHCHECK_PORT must be {port}")
    return errors


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docker-compose.yml"
    errors = check(path)
    for e in errors:
        print(f"  ERROR {path.name}: {e}")
    n = len((yaml.safe_load(path.read_text()) or {}).get("services") or {})
    print(f"compose: {n} services, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
