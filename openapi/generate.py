"""Generate openapi/<service>.json (OpenAPI 3.1) and openapi/asyncapi.yaml (AsyncAPI 3.0) from the code.

python openapi/generate.py --write   # regenerate
python openapi/generate.py --check   # exit 1 when the files drift from the code (CI)
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from socialaid.contracts import REGISTRY, TOPIC_DESCRIPTIONS, Topic

HERE = Path(__file__).resolve().parent
SERVICES = ["intake", "verification", "benefits", "payments", "relief", "referral"]
# Which service publishes each aggregate's events (the CloudEvents source).
PRODUCERS = {
    "case": "intake",
    "verification": "verification",
    "assessment": "benefits",
    "parameter": "benefits",
    "entitlement": "benefits",
    "payroll": "payments",
    "payment": "payments",
    "referral": "referral",
    "disaster": "relief",
    "message": "any service with a consumer",
}


def _spec(service: str) -> Any:
    return importlib.import_module(f"socialaid.{service}.main").SPEC


def openapi_documents() -> dict[str, str]:
    from socialaid.web.service import create_app

    out = {}
    for svc in SERVICES:
        spec = _spec(svc)
        app = create_app(spec, spec.settings_factory())
        doc = app.openapi()
        doc["servers"] = [
            {"url": f"http://127.0.0.1:{8001 + SERVICES.index(svc)}", "description": "local stack"}
        ]
        out[f"{svc}.json"] = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return out


def _headers_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes in Kafka binary content mode, plus W3C trace context.",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
        "properties": {
            "ce_specversion": {"type": "string", "const": "1.0"},
            "ce_id": {
                "type": "string",
                "description": "Event id (UUIDv7); consumers deduplicate on source + id",
            },
            "ce_source": {"type": "string", "description": "/socialaid/<service>"},
            "ce_type": {"type": "string"},
            "ce_time": {"type": "string", "format": "date-time"},
            "ce_subject": {
                "type": "string",
                "description": "Aggregate id (case id, payroll id, ...); also the key",
            },
            "ce_sequence": {
                "type": "string",
                "description": "Per-subject increasing sequence number",
            },
            "content-type": {"type": "string", "const": "application/json"},
            "traceparent": {
                "type": "string",
                "description": "W3C trace context of the originating request",
            },
        },
    }


def asyncapi_document() -> str:
    consumers: dict[str, list[str]] = {}
    for svc in SERVICES:
        spec = _spec(svc)
        if spec.subscriptions is not None:
            for event_type in spec.subscriptions(spec.settings_factory()):
                consumers.setdefault(event_type, []).append(svc)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    components: dict[str, Any] = {"messages": {}, "schemas": {}}
    for topic in Topic.all():
        channels[topic] = {
            "address": topic,
            "description": TOPIC_DESCRIPTIONS[topic],
            "messages": {},
        }
    for event_type in sorted(REGISTRY):
        model = REGISTRY[event_type]
        name = event_type.removeprefix("cn.gov.socialaid.").replace(".", "_")
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for def_name, definition in schema.pop("$defs", {}).items():
            components["schemas"][def_name] = definition
        components["schemas"][name] = schema
        aggregate = event_type.split(".")[3]
        components["messages"][name] = {
            "name": event_type,
            "title": model.__name__,
            "summary": model.SUMMARY,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "x-producer": PRODUCERS[aggregate],
            "x-consumers": consumers.get(event_type, []),
            "x-subject-field": model.SUBJECT,
        }
        channels[model.TOPIC]["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"publish_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{model.TOPIC}"},
            "summary": f"{PRODUCERS[aggregate]} publishes {event_type} through its transactional outbox",
            "messages": [{"$ref": f"#/channels/{model.TOPIC}/messages/{name}"}],
        }
        for svc in consumers.get(event_type, []):
            operations[f"{svc}_receives_{name}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{model.TOPIC}"},
                "summary": f"{svc} applies {event_type} (inbox dedupe, per-subject order)",
                "messages": [{"$ref": f"#/channels/{model.TOPIC}/messages/{name}"}],
            }
    components["schemas"]["CloudEventHeaders"] = _headers_schema()
    doc = {
        "asyncapi": "3.0.0",
        "info": {
            "title": "socialaid events",
            "version": "1.0.0",
            "description": "Every event type the platform publishes. Fields are only ever added as optional; "
            "a breaking change is a new type ending in .v2.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "127.0.0.1:59092", "protocol": "kafka", "description": "local stack"}
        },
        "channels": channels,
        "operations": operations,
        "components": components,
    }
    return yaml.safe_dump(doc, sort_keys=True, allow_unicode=True, width=100)


def main() -> int:
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args()
    files = openapi_documents()
    files["asyncapi.yaml"] = asyncapi_document()
    drift = []
    for name, content in files.items():
        path = HERE / name
        if args.write:
            path.write_text(content)
        elif not path.exists() or path.read_text() != content:
            drift.append(name)
            old = path.read_text().splitlines() if path.exists() else []
            sys.stdout.writelines(
                line + "\n"
                for line in list(
                    difflib.unified_diff(
                        old,
                        content.splitlines(),
                        f"openapi/{name} (committed)",
                        f"openapi/{name} (from code)",
                        lineterm="",
                    )
                )[:40]
            )
    if drift:
        print(f"openapi/ drifts from the code: {', '.join(drift)}. Run `make openapi` and commit.")
        return 1
    print("openapi: " + ("written" if args.write else "up to date") + f" ({len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
