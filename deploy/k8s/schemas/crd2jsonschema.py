#!/usr/bin/env python3
"""Turn CustomResourceDefinition YAML files into the strict JSON schemas vendored here.

    python deploy/k8s/schemas/crd2jsonschema.py CRD.yaml... [--out deploy/k8s/schemas]

For each served version of each CRD it writes ``<kind>-<group>-<version>.json`` (lower
case): the version's ``openAPIV3Schema`` without descriptions, with
``additionalProperties: false`` on every object that lists its properties and neither
sets ``additionalProperties`` nor ``x-kubernetes-preserve-unknown-fields`` (the API
server would silently drop an unknown field there: a typo must fail validation
instead), and with ``apiVersion``/``kind`` pinned. Needs PyYAML (the validation venv
of deploy/validate.sh has it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

DROP = {"description", "x-kubernetes-validations"}


def strict(node: Any) -> Any:
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items() if k not in DROP}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    if out.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    return out


def convert(crd: dict[str, Any], out_dir: Path) -> list[Path]:
    group = crd["spec"]["group"]
    kind = crd["spec"]["names"]["kind"]
    written = []
    for version in crd["spec"]["versions"]:
        if not version.get("served", True):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        props = schema.setdefault("properties", {})
        props["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
        props["kind"] = {"type": "string", "enum": [kind]}
        props["metadata"] = {"type": "object"}  # checked by check_manifests.py
        schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind", "metadata"})
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        path = out_dir / f"{kind.lower()}-{group.split('.')[0]}-{version['name']}.json"
        path.write_text(json.dumps(schema, sort_keys=True, separators=(",", ":")) + "\n")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crds", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    for path in args.crds:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "CustomResourceDefinition":
                for written in convert(doc, args.out):
                    print(f"{path.name} -> {written.name} ({written.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
