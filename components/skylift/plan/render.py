"""`skylift plan`: the program's resources under Pulumi mocks, as stable, reviewable text.

Resources appear as a tree (each parent before its children, siblings by
type and name), one input per line with nested maps and JSON documents
(IAM policies) flattened to dotted paths, so a changed value is a one-line
diff. Secrets read [secret]; archives and assets read as the sha256 of their
bytes, so a changed zip shows up without temporary paths.
"""

import hashlib
import json
from pathlib import Path

import pulumi

from skylift.plan import preview as previewing
from skylift.plan.preview import SECRET


def plan(project_dir: Path, stack: str) -> previewing.Preview:
    return previewing.preview(Path(project_dir), stack)


def snapshot_path(project_dir: Path, stack: str) -> Path:
    return Path(project_dir) / "tests" / "snapshots" / f"{stack}.txt"


def plain(value):
    """A JSON-able picture of an input: secrets masked, archives and assets by digest."""
    if isinstance(value, previewing.Secret):
        return SECRET
    if isinstance(value, float) and value.is_integer():
        # Numbers cross the engine's protobuf as floats: memory 256 arrives as 256.0.
        return int(value)
    if isinstance(value, (pulumi.FileArchive, pulumi.FileAsset)):
        return f"{type(value).__name__} sha256:{_file_digest(Path(value.path))}"
    if isinstance(value, pulumi.StringAsset):
        return f"StringAsset sha256:{hashlib.sha256(value.text.encode()).hexdigest()}"
    if isinstance(value, pulumi.AssetArchive):
        return {name: plain(asset) for name, asset in sorted(value.assets.items())}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items()) if not str(k).startswith("__")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _file_digest(path: Path) -> str:
    if path.is_dir():
        return "(directory)"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json_document(text: str):
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            return None
    return None


def flatten(prefix: str, value) -> list[tuple[str, str]]:
    if isinstance(value, dict) and value:
        return [line for key, item in value.items() for line in flatten(f"{prefix}.{key}", item)]
    if isinstance(value, list) and value:
        return [line for index, item in enumerate(value) for line in flatten(f"{prefix}[{index}]", item)]
    if isinstance(value, str):
        document = _json_document(value)
        if isinstance(document, (dict, list)) and document:
            return flatten(f"{prefix}(json)", _sorted(document))
    return [(prefix, json.dumps(value, ensure_ascii=False))]


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def ordered(resources) -> list:
    """Parents before children, siblings sorted by (type, name): independent of registration order."""
    children: dict = {}
    for resource in resources:
        children.setdefault(resource.parent, []).append(resource)
    result = []

    def walk(parent):
        for resource in sorted(children.get(parent, []), key=lambda r: (r.type, r.name)):
            result.append(resource)
            walk(resource.name)

    walk(None)
    return result


def render_text(preview: previewing.Preview) -> str:
    lines = [f"# skylift plan: project {preview.project}, stack {preview.stack} (Pulumi mocks, no cloud)"]
    for resource in ordered(preview.resources):
        lines.append("")
        lines.append(f"{resource.type} {resource.name}")
        lines.append(f"  parent: {resource.parent or '(stack)'}")
        for key, value in plain(resource.inputs).items():
            lines.extend(f"  {path} = {text}" for path, text in flatten(key, value))
    lines.append("")
    lines.append("outputs")
    for key, value in sorted(plain(preview.outputs).items()):
        lines.extend(f"  {path} = {text}" for path, text in flatten(key, value))
    return "\n".join(lines) + "\n"


def render_json(preview: previewing.Preview) -> str:
    document = {
        "project": preview.project,
        "stack": preview.stack,
        "resources": [
            {"type": r.type, "name": r.name, "parent": r.parent, "inputs": plain(r.inputs)}
            for r in ordered(preview.resources)
        ],
        "outputs": plain(preview.outputs),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
