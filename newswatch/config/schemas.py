"""JSON Schemas of the outlets file and the rule files, exported from their models into
``config/schemas/`` so an analyst's editor completes and checks the TOML (a TOML language
server such as Taplo reads them; see docs/configuration.md). ``python3 dev.py schemas``
rewrites them; a test keeps the committed files equal to these."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from newswatch.config.environment import PROJECT_DIR
from newswatch.config.outlets import OutletsFile
from newswatch.config.rules import RulesFile

FOLDER = PROJECT_DIR / "config" / "schemas"
MODELS: dict[str, type[BaseModel]] = {"outlets.schema.json": OutletsFile, "rules.schema.json": RulesFile}


class TomlSchema(GenerateJsonSchema):
    """TOML has no null: an optional key is one that may be left out, not one that may be null."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        generated = super().dict_schema(schema)
        if "patternProperties" in generated:  # a key that does not match is refused, not ignored
            generated["additionalProperties"] = False
        return generated

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        generated = super().default_schema(schema)
        if generated.get("default", 0) is None:
            del generated["default"]
        return generated


def schema_text(model: type[BaseModel]) -> str:
    """The model's JSON Schema (draft 2020-12), as the file holds it."""
    generated: dict[str, Any] = model.model_json_schema(schema_generator=TomlSchema)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **generated}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write(folder: Path = FOLDER) -> list[Path]:
    """Write every schema into ``folder``; the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, model in MODELS.items():
        path, text = folder / name, schema_text(model)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path.relative_to(PROJECT_DIR)}")
    sys.exit(0)
