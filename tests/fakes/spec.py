"""The Bot API specification as data, and the checks of requests against it.

The spec (telegram-bot-api/api.min.json beside this file) is indexed once at import; checking a
request walks only the parameters it carries.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import UploadedFile

logger = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).parent / "telegram-bot-api" / "api.min.json"

# A subtype names its tag in prose: 'Scope type, must be chat' or 'always "creator"'.
_TAG_RE = re.compile(r'(?:must be|always) "?([a-z0-9_]+)"?')
_TAG_FIELDS = ("type", "source", "status")
_ARRAY = "Array of "
_VERDICT_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    string_only: bool = False  # a form value is taken as it is, with no JSON decoding


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Bot API method."""

    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]
    required: tuple[str, ...]  # names of the required parameters


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """One Bot API type: an object with fields, or a union of subtypes.

    ``tag`` is (field, value) when the type is a tagged subtype such as BotCommandScopeChat;
    ``by_tag`` maps tag values to subtypes when every subtype of a union is tagged.
    """

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...] = ()
    tag: tuple[str, str] | None = None
    tag_field: str | None = None
    by_tag: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _fields(raw: Iterable[dict[str, Any]]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(f["name"], tuple(f["types"]), f["required"], f["types"] == ["String"])
        for f in raw
    }


def _tag(raw: Iterable[dict[str, Any]]) -> tuple[str, str] | None:
    for f in raw:
        if f["name"] in _TAG_FIELDS and (match := _TAG_RE.search(f["description"])):
            return f["name"], match.group(1)
    return None


class BotApiSpec:
    """Index of the Bot API spec with type checks of decoded values."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw.get("version", "?")
        self.methods: dict[str, MethodSpec] = {}
        for name, m in raw["methods"].items():
            fields = _fields(m.get("fields", []))
            required = tuple(f.name for f in fields.values() if f.required)
            self.methods[name.lower()] = MethodSpec(name, fields, tuple(m["returns"]), required)
        plain: dict[str, TypeSpec] = {}
        for name, t in raw["types"].items():
            fields = _fields(t.get("fields", []))
            tag = _tag(t.get("fields", []))
            plain[name] = TypeSpec(name, fields, tuple(t.get("subtypes", ())), tag)
        self.types = {name: self._with_tags(t, plain) for name, t in plain.items()}
        self._verdicts: dict[tuple[tuple[str, ...], str], tuple[bool, str | None]] = {}

    @staticmethod
    def _with_tags(t: TypeSpec, plain: Mapping[str, TypeSpec]) -> TypeSpec:
        """Give a union its tag index when all its subtypes share one tag field."""
        tags = [plain[s].tag if s in plain else None for s in t.subtypes]
        if not t.subtypes or None in tags or len({tag[0] for tag in tags if tag}) != 1:
            return t
        by_tag: dict[str, tuple[str, ...]] = {}
        for sub, tag in zip(t.subtypes, tags, strict=True):
            assert tag is not None
            by_tag[tag[1]] = (*by_tag.get(tag[1], ()), sub)
        tag_field = tags[0][0] if tags[0] else None
        return TypeSpec(t.name, t.fields, t.subtypes, t.tag, tag_field, by_tag)

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> BotApiSpec:
        """Read and index the spec file."""
        with path.open(encoding="utf-8") as f:
            return cls(json.load(f))

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name`` (Telegram matches method names case-insensitively)."""
        return self.methods.get(name.lower())

    def check(self, value: Any, types: tuple[str, ...], path: str) -> str | None:
        """Return why ``value`` has none of ``types``, or None when it has one of them."""
        if len(types) == 1:
            return self._check_one(value, types[0], path)
        if isinstance(value, list) and all(t.startswith(_ARRAY) for t in types):
            # "Array of A, B and C" (sendMediaGroup's media): each item is one of them; which
            # may be mixed in one array is prose, checked by the method.
            inner = tuple(t[len(_ARRAY) :] for t in types)
            for i, item in enumerate(value):
                if error := self.check(item, inner, f"{path}[{i}]"):
                    return error
            return None
        failures = []
        for t in types:
            error = self._check_one(value, t, path)
            if error is None:
                return None
            failures.append((self._closeness(value, t), error))
        # Report the error of the alternative the value resembles most: it says the most.
        failures.sort(key=lambda f: f[0], reverse=True)
        if failures[0][0] >= 0 and (len(failures) == 1 or failures[0][0] > failures[1][0]):
            return failures[0][1]
        return f"{path} must be {' or '.join(types)}"

    def _closeness(self, value: Any, t: str) -> int:
        """How much ``value`` looks like a ``t``: -1 not at all, else the shared field count."""
        if t.startswith(_ARRAY):
            if not isinstance(value, list):
                return -1
            return self._closeness(value[0], t[len(_ARRAY) :]) if value else 0
        spec = self.types.get(t)
        if spec is None or not isinstance(value, dict):
            return -1
        if spec.subtypes:
            return max(self._closeness(value, s) for s in spec.subtypes)
        shared = sum(1 for key in value if key in spec.fields)
        tagged = spec.tag is not None and value.get(spec.tag[0]) == spec.tag[1]
        return shared + (100 if tagged else 0)

    def _check_one(self, value: Any, t: str, path: str) -> str | None:
        if t.startswith(_ARRAY):
            if not isinstance(value, list):
                return f"{path} must be an {t}"
            inner = t[len(_ARRAY) :]
            for i, item in enumerate(value):
                if error := self._check_one(item, inner, f"{path}[{i}]"):
                    return error
            return None
        if t == "String":
            ok = isinstance(value, str)
        elif t == "Integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif t == "Float":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif t == "Boolean":
            ok = isinstance(value, bool)
        elif t == "InputFile":
            ok = isinstance(value, UploadedFile)
        else:
            return self._check_object(value, self.types[t], path)
        return None if ok else f"{path} must be {'a' if t != 'Integer' else 'an'} {t}"

    def _check_object(self, value: Any, t: TypeSpec, path: str) -> str | None:
        if not isinstance(value, dict):
            return f"{path} must be a JSON object ({t.name})"
        if not t.subtypes:
            return self._check_fields(value, t, path)
        candidates = t.subtypes
        if t.tag_field is not None:
            candidates = t.by_tag.get(str(value.get(t.tag_field)), ())
            if not candidates:
                allowed = ", ".join(sorted(t.by_tag))
                return f"{path}.{t.tag_field} of {t.name} must be one of: {allowed}"
        return self.check(value, candidates, path)

    def _check_fields(self, value: dict[str, Any], t: TypeSpec, path: str) -> str | None:
        if t.tag is not None and value.get(t.tag[0]) != t.tag[1]:
            return f'{path}.{t.tag[0]} must be "{t.tag[1]}" in {t.name}'
        for key, item in value.items():
            spec = t.fields.get(key)
            if spec is None:
                return f'{path} has unknown field "{key}" for {t.name}'
            if error := self.check(item, spec.types, f"{path}.{key}"):
                return error
        missing = [f.name for f in t.fields.values() if f.required and f.name not in value]
        return f'{path} lacks required field "{missing[0]}" of {t.name}' if missing else None

    def decode_params(
        self, method: MethodSpec, raw: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[str]]:
        """Decode the request parameters by their spec types and check them.

        Form values are strings holding JSON for every non-String type (python-telegram-bot's
        encoding); JSON bodies carry typed values. Returns the decoded parameters and the list of
        problems (empty when the request is valid).
        """
        params: dict[str, Any] = {}
        errors: list[str] = []
        for name, raw_value in raw.items():
            spec = method.fields.get(name)
            if spec is None:
                if isinstance(raw_value, UploadedFile) and _is_attached(name, raw):
                    params[name] = raw_value  # a part named as "attach://<name>" elsewhere
                    continue
                errors.append(f'unknown parameter "{name}" for {method.name}')
                params[name] = raw_value
                continue
            if isinstance(raw_value, str) and not spec.string_only:
                value, error = self._decode_form_value(raw_value, spec)
            else:
                value, error = raw_value, self.check(raw_value, spec.types, name)
            params[name] = value
            if error:
                errors.append(error)
        errors.extend(f'parameter "{n}" is required' for n in method.required if n not in params)
        return params, errors

    def _decode_form_value(self, raw: str, spec: FieldSpec) -> tuple[Any, str | None]:
        """JSON-decode and check a form value; keep the string when that is what is valid.

        chat_id "123" is the Integer 123, while a file_id or "@channel" stays a String. Verdicts
        on JSON objects and arrays are cached: a broadcast sends one keyboard many times.
        """
        try:
            decoded = json.loads(raw)
        except ValueError:
            return raw, self.check(raw, spec.types, spec.name)
        key = (spec.types, raw)
        verdict = self._verdicts.get(key)
        if verdict is None:
            error = self.check(decoded, spec.types, spec.name)
            keep_string = error is not None and "String" in spec.types
            verdict = (keep_string, None if keep_string else error)
            if raw[:1] in "{[" and len(self._verdicts) < _VERDICT_CACHE_SIZE:
                self._verdicts[key] = verdict
        keep_string, error = verdict
        return (raw if keep_string else decoded), error


def _is_attached(name: str, raw: Mapping[str, Any]) -> bool:
    marker = f"attach://{name}"
    return any(isinstance(v, str) and marker in v for v in raw.values())


SPEC = BotApiSpec.load()
