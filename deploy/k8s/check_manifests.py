#!/usr/bin/env python3
"""Offline validation of rendered Kubernetes manifests (run by deploy/validate.sh).

    python deploy/k8s/check_manifests.py RENDERED.yaml [--k8s-version 1.32.0]

RENDERED.yaml is `kustomize build` output. Each document is validated strictly (unknown
fields fail):
- built-in kinds against the Kubernetes OpenAPI JSON schemas shipped in the
  `kubernetes-validate` wheel (no download);
- Strimzi and CloudNativePG kinds against the CRD schemas vendored in schemas/
  (see schemas/README.md);
- any other kind fails: add its schema first.
Then the socialaid rules: naming, namespace, probes, resources, non-root and read-only
root filesystem, selectors that select, references that resolve, one Deployment pair +
Service + HPA + ConfigMap + migrate Job + Database + role per service, workers serving
/healthz and /metrics (<SVC>_WORKER_HOST/PORT, port `metrics`, probes) and Prometheus
scrape annotations on api and worker pods, one KafkaTopic per contract topic
(replicas 3, min ISR 2).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
CLUSTER_SCOPED = {"Namespace"}
NAMESPACE = "socialaid"
# Secrets the manifests read but do not contain (created by the operator; see README).
EXTERNAL_SECRETS = {"socialaid-pii"} | {f"{s}-db" for s in generate.read_services()}


def load_crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for path in sorted((HERE / "schemas").glob("*.json")):
        schema = json.loads(path.read_text())
        key = (schema["properties"]["apiVersion"]["enum"][0], schema["properties"]["kind"]["enum"][0])
        out[key] = schema
    return out


def pod_templates(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if doc["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return [doc["spec"]["template"]]
    return []


class Checker:
    def __init__(self, docs: list[dict[str, Any]], k8s_version: str):
        self.docs = docs
        self.k8s_version = k8s_version
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.by_kind: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for d in docs:
            self.by_kind[d.get("kind", "?")][(d.get("metadata") or {}).get("name", "?")] = d

    def err(self, doc: dict[str, Any] | None, msg: str) -> None:
        where = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}" if doc else "manifests"
        self.errors.append(f"{where}: {msg}")

    # ------------------------------------------------------------ schemas
    def schemas(self) -> None:
        crds = load_crd_schemas()
        seen = set()
        for d in self.docs:
            key = (d.get("apiVersion"), d.get("kind"))
            name = (d.get("metadata") or {}).get("name")
            if (key, name) in seen:
                self.err(d, "defined twice")
            seen.add((key, name))
            if key in crds:
                validator = jsonschema.Draft7Validator(crds[key])
                for e in validator.iter_errors(d):
                    self.err(d, f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}")
                continue
            try:
                kubernetes_validate.validate(d, self.k8s_version, strict=True)
            except kubernetes_validate.SchemaNotFoundError:
                self.err(d, f"no schema for {key[0]} {key[1]} (neither Kubernetes {self.k8s_version} "
                            "nor a vendored CRD schema)")
            except kubernetes_validate.ValidationError as e:
                path = "/".join(map(str, e.path)) or "(root)"
                self.err(d, f"{path}: {e.message}")
            except kubernetes_validate.InvalidSchemaError as e:  # pragma: no cover
                self.err(d, f"schema error: {e}")

    # ------------------------------------------------------------ metadata
    def metadata(self) -> None:
        for d in self.docs:
            md = d.get("metadata") or {}
            name = md.get("name", "")
            pattern = DNS_LABEL if d["kind"] in ("Service", "Namespace") else DNS_SUBDOMAIN
            if not pattern.fullmatch(name) or len(name) > (63 if pattern is DNS_LABEL else 253):
                self.err(d, f"invalid name {name!r}")
            if d["kind"] not in CLUSTER_SCOPED and md.get("namespace") != NAMESPACE:
                self.err(d, f"namespace {md.get('namespace')!r}, expected {NAMESPACE!r}")
            if (md.get("labels") or {}).get("app.kubernetes.io/part-of") != "socialaid":
                self.err(d, "missing label app.kubernetes.io/part-of=socialaid")

    # ------------------------------------------------------------ pods
    def pods(self) -> None:
        configmaps = self.by_kind["ConfigMap"]
        for d in self.docs:
            for tpl in pod_templates(d):
                spec = tpl["spec"]
                labels = (tpl.get("metadata") or {}).get("labels") or {}
                if d["kind"] == "Deployment":
                    sel = d["spec"]["selector"].get("matchLabels", {})
                    if any(labels.get(k) != v for k, v in sel.items()):
                        self.err(d, "selector does not match the pod template labels")
                psc = spec.get("securityContext") or {}
                if not psc.get("runAsNonRoot"):
                    self.err(d, "pod securityContext.runAsNonRoot must be true")
                if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
                    self.err(d, "pod seccompProfile must be RuntimeDefault")
                volumes = {v["name"] for v in spec.get("volumes", [])}
                for c in spec.get("containers", []) + spec.get("initContainers", []):
                    cname = f"container {c['name']}"
                    csc = c.get("securityContext") or {}
                    if csc.get("readOnlyRootFilesystem") is not True:
                        self.err(d, f"{cname}: readOnlyRootFilesystem must be true")
                    if csc.get("allowPrivilegeEscalation") is not False:
                        self.err(d, f"{cname}: allowPrivilegeEscalation must be false")
                    if "ALL" not in ((csc.get("capabilities") or {}).get("drop") or []):
                        self.err(d, f"{cname}: capabilities must drop ALL")
                    res = c.get("resources") or {}
                    if not (res.get("requests") or {}).get("cpu") or not (res.get("limits") or {}).get("memory"):
                        self.err(d, f"{cname}: needs a cpu request and a memory limit")
                    if not c.get("image"):
                        self.err(d, f"{cname}: no image")
                    elif ":" not in c["image"].rsplit("/", 1)[-1] and "@" not in c["image"]:
                        self.err(d, f"{cname}: image {c['image']} has no tag")
                    for m in c.get("volumeMounts", []):
                        if m["name"] not in volumes:
                            self.err(d, f"{cname}: mounts unknown volume {m['name']}")
                    defined: set[str] = set()
                    for ef in c.get("envFrom", []):
                        ref = (ef.get("configMapRef") or {}).get("name")
                        if ref and ref not in configmaps:
                            self.err(d, f"{cname}: envFrom unknown ConfigMap {ref}")
                        elif ref:
                            defined |= set(configmaps[ref].get("data") or {})
                    for e in c.get("env", []):
                        for var in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", e.get("value", "")):
                            if var not in defined:
                                self.err(d, f"{cname}: env {e['name']} uses $({var}) before it is defined")
                        vf = e.get("valueFrom") or {}
                        if "secretKeyRef" in vf and vf["secretKeyRef"]["name"] not in EXTERNAL_SECRETS:
                            self.err(d, f"{cname}: env {e['name']} reads unknown Secret "
                                        f"{vf['secretKeyRef']['name']}")
                        if "configMapKeyRef" in vf and vf["configMapKeyRef"]["name"] not in configmaps:
                            self.err(d, f"{cname}: env {e['name']} reads unknown ConfigMap")
                        defined.add(e["name"])
                    c["_env"] = defined  # for the per-service checks

    # ------------------------------------------------------------ per service
    def services(self) -> None:
        dep, svcs = self.by_kind["Deployment"], self.by_kind["Service"]
        hpas, jobs, cms = self.by_kind["HorizontalPodAutoscaler"], self.by_kind["Job"], self.by_kind["ConfigMap"]
        dbs = {d["spec"]["name"]: d for d in self.by_kind["Database"].values()}
        clusters = self.by_kind["Cluster"]
        for svc in generate.read_services():
            up = svc.upper()
            api, worker = dep.get(f"{svc}-api"), dep.get(f"{svc}-worker")
            job, hpa, cm, service = jobs.get(f"{svc}-migrate"), hpas.get(f"{svc}-api"), cms.get(f"{svc}-config"), svcs.get(svc)
            for what, obj in (("Deployment", api), ("Deployment", worker), ("Job", job),
                              ("HorizontalPodAutoscaler", hpa), ("ConfigMap", cm), ("Service", service)):
                if obj is None:
                    self.err(None, f"{svc}: missing {what}")
            if None in (api, worker, job, hpa, cm, service):
                continue
            if f"{up}_KAFKA_BOOTSTRAP" not in (cm.get("data") or {}):
                self.err(cm, f"no {up}_KAFKA_BOOTSTRAP")
            for obj, argv0 in ((api, "serve"), (worker, "worker"), (job, "migrate")):
                c = obj["spec"]["template"]["spec"]["containers"][0]
                if (c.get("args") or [None])[0] != argv0:
                    self.err(obj, f"args must start with {argv0}")
                if not c["image"].startswith(f"{generate.IMAGE_REPO}/{svc}:"):
                    self.err(obj, f"image {c['image']} is not {generate.IMAGE_REPO}/{svc}")
                for var in (f"{up}_DATABASE_URL", f"{up}_KAFKA_BOOTSTRAP"):
                    if var not in c.get("_env", ()):
                        self.err(obj, f"container lacks {var}")
            c = api["spec"]["template"]["spec"]["containers"][0]
            for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
                if ((c.get(probe) or {}).get("httpGet") or {}).get("path") != path:
                    self.err(api, f"{probe} must GET {path}")
            self.worker_http(svc, worker, api)
            if worker["spec"].get("replicas") != 1:
                self.err(worker, "the worker runs exactly 1 replica")
            tmpl_labels = api["spec"]["template"]["metadata"]["labels"]
            if any(tmpl_labels.get(k) != v for k, v in service["spec"]["selector"].items()):
                self.err(service, f"selector does not select {svc}-api pods")
            if any(worker["spec"]["template"]["metadata"]["labels"].get(k) == v
                   for k, v in service["spec"]["selector"].items() if k == "app.kubernetes.io/component"):
                self.err(service, "selector also selects worker pods")
            if hpa["apiVersion"] != "autoscaling/v2" or hpa["spec"]["scaleTargetRef"]["name"] != f"{svc}-api":
                self.err(hpa, f"must be autoscaling/v2 targeting {svc}-api")
            cpu = [m for m in hpa["spec"].get("metrics", []) if (m.get("resource") or {}).get("name") == "cpu"]
            if not cpu or cpu[0]["resource"]["target"].get("averageUtilization") != 70:
                self.err(hpa, "expected a CPU target of 70 %")
            if "replicas" in api["spec"]:
                self.err(api, "replicas is owned by the HPA: leave it out")
            db = dbs.get(svc)
            if db is None:
                self.err(None, f"{svc}: no CloudNativePG Database")
            else:
                cluster = clusters.get(db["spec"]["cluster"]["name"])
                roles = {r["name"] for r in (((cluster or {}).get("spec") or {}).get("managed") or {}).get("roles", [])}
                if cluster is None:
                    self.err(db, "refers to an unknown Cluster")
                elif db["spec"]["owner"] not in roles:
                    self.err(db, f"owner {db['spec']['owner']} is not a managed role of the Cluster")
        for pdb in self.by_kind["PodDisruptionBudget"].values():
            sel = pdb["spec"]["selector"]["matchLabels"]
            if not any(all(t["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items())
                       for t in dep.values()):
                self.err(pdb, "selects no pods")

    def worker_http(self, svc: str, worker: dict[str, Any], api: dict[str, Any]) -> None:
        """The worker's /healthz and /metrics (<SVC>_WORKER_PORT): env, port, probes, scraping."""
        up = svc.upper()
        c = worker["spec"]["template"]["spec"]["containers"][0]
        env = self._env_values(c)
        host, port = env.get(f"{up}_WORKER_HOST"), env.get(f"{up}_WORKER_PORT")
        if host != "0.0.0.0":
            self.err(worker, f"{up}_WORKER_HOST={host!r}: must be 0.0.0.0 (the default 127.0.0.1 "
                             "is unreachable for probes and Prometheus)")
        if port != str(generate.WORKER_PORT):
            self.err(worker, f"{up}_WORKER_PORT={port!r}, expected {generate.WORKER_PORT!r} "
                             "(without it the worker serves no /healthz or /metrics)")
        ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        if ports.get("metrics") != generate.WORKER_PORT:
            self.err(worker, f"needs container port metrics={generate.WORKER_PORT}")
        for probe in ("livenessProbe", "readinessProbe"):
            get = (c.get(probe) or {}).get("httpGet") or {}
            target = ports.get(get.get("port"), get.get("port"))
            if get.get("path") != "/healthz" or str(target) != str(generate.WORKER_PORT):
                self.err(worker, f"{probe} must GET /healthz on the worker port {generate.WORKER_PORT}")
        api_c = api["spec"]["template"]["spec"]["containers"][0]
        api_ports = {p.get("name"): p["containerPort"] for p in api_c.get("ports", [])}
        for obj, want in ((api, api_ports.get("http")), (worker, generate.WORKER_PORT)):
            ann = (obj["spec"]["template"].get("metadata") or {}).get("annotations") or {}
            if (ann.get("prometheus.io/scrape"), ann.get("prometheus.io/port"),
                    ann.get("prometheus.io/path")) != ("true", str(want), "/metrics"):
                self.err(obj, f"pod template needs prometheus.io/scrape \"true\", "
                              f"prometheus.io/port \"{want}\", prometheus.io/path /metrics")

    def _env_values(self, c: dict[str, Any]) -> dict[str, str | None]:
        """Literal values of a container's environment (ConfigMaps first, env overrides)."""
        values: dict[str, str | None] = {}
        for ef in c.get("envFrom", []):
            ref = (ef.get("configMapRef") or {}).get("name")
            cm = self.by_kind["ConfigMap"].get(ref or "")
            if cm:
                values.update({k: str(v) for k, v in (cm.get("data") or {}).items()})
        for e in c.get("env", []):
            values[e["name"]] = e.get("value")
        return values

    # ------------------------------------------------------------ kafka
    def kafka(self) -> None:
        kafkas = self.by_kind["Kafka"]
        if len(kafkas) != 1:
            self.err(None, f"expected one Kafka, found {len(kafkas)}")
            return
        kafka = next(iter(kafkas.values()))
        name = kafka["metadata"]["name"]
        config = kafka["spec"]["kafka"].get("config") or {}
        if config.get("auto.create.topics.enable") not in (False, "false"):
            self.err(kafka, "auto.create.topics.enable must be false")
        if str(config.get("min.insync.replicas")) != "2":
            self.err(kafka, "min.insync.replicas must be 2")
        pools = [p for p in self.by_kind["KafkaNodePool"].values()
                 if p["metadata"].get("labels", {}).get("strimzi.io/cluster") == name]
        roles = {r for p in pools for r in p["spec"]["roles"]}
        if roles != {"broker", "controller"}:
            self.err(kafka, f"node pools must provide broker and controller roles (KRaft), got {roles}")
        if sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"]) < 3:
            self.err(kafka, "fewer than 3 brokers for replication factor 3")
        topics = {t.get("spec", {}).get("topicName", n): t for n, t in self.by_kind["KafkaTopic"].items()}
        wanted = set(generate.read_topics())
        for missing in sorted(wanted - set(topics)):
            self.err(None, f"no KafkaTopic for contract topic {missing}")
        for extra in sorted(set(topics) - wanted):
            self.err(topics[extra], "not a topic of socialaid.contracts.Topic")
        for t in topics.values():
            if t["metadata"].get("labels", {}).get("strimzi.io/cluster") != name:
                self.err(t, f"label strimzi.io/cluster must be {name}")
            if t["spec"].get("replicas") != 3 or str((t["spec"].get("config") or {}).get("min.insync.replicas")) != "2":
                self.err(t, "replicas 3 and min.insync.replicas 2 expected")

    def run(self) -> list[str]:
        self.schemas()
        self.metadata()
        if self.errors:  # the rules below assume schema-valid documents
            return self.errors
        for rule in (self.pods, self.services, self.kafka):
            try:
                rule()
            except (KeyError, TypeError, IndexError, AttributeError) as exc:
                self.err(None, f"{rule.__name__}: malformed manifest ({type(exc).__name__}: {exc})")
        return self.errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rendered", type=Path)
    parser.add_argument("--k8s-version", default="1.32.0")
    parser.add_argument("--label", default=None, help="name to print (default: the file name)")
    args = parser.parse_args()
    docs = [d for d in yaml.safe_load_all(args.rendered.read_text()) if d]
    errors = Checker(docs, args.k8s_version).run()
    label = args.label or args.rendered.name
    for e in errors:
        print(f"  ERROR {label}: {e}")
    kinds = defaultdict(int)
    for d in docs:
        kinds[d["kind"]] += 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"k8s {label}: {len(docs)} resources ({summary}); {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
