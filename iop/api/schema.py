"""The OpenAPI schema says every status an endpoint answers, with the error body's shape.

drf-spectacular documents only the success answer. `IOPAutoSchema` adds the refusals the
API's machinery gives (iop/api/exceptions.py decides their bodies):

- 400 on every write and on every read that takes query parameters (filters, `search`, paging):
  field errors keyed by field name, `non_field_errors` for the request as a whole;
- 401 and 403 wherever authentication is required (no token; the role or object rules refuse);
- 404 on every route with an id in its path, and on paginated lists (a page past the last);
- 409 on the actions a viewset names in `conflict_actions` (a signed or no-longer-draft record,
  a stale `revision`): `{"detail": ...}`;
- 429 wherever a throttle applies.

Optional query parameters are `allowEmptyValue`: `?status=` means no filter.

`time_without_offset` (a postprocessing hook) describes times as the API writes and reads them,
`HH:MM[:ss[.uuuuuu]]` with no UTC offset: JSON Schema's `time` format requires one.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal: `detail` says why.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Invalid input: a list of messages per field name (`non_field_errors` for the request as "
        "a whole; nested objects for nested fields), or `detail` for a body that is not JSON."
    ),
    "additionalProperties": {},
}
DESCRIPTIONS = {
    "400": "Invalid input (field errors).",
    "401": "Not authenticated: no valid token (`Authorization: Token <key>`) or session.",
    "403": "The caller's role does not allow this (or the object's rules refuse it).",
    "404": "Not found, or not open to the caller (a patient off their care team).",
    "409": "Conflict: the record is signed or no longer a draft, or someone saved it since the "
    "`revision` sent.",
    "429": "Too many requests: throttled; retry after the `Retry-After` header's seconds.",
}
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class IOPAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # An empty optional filter (`?status=`) means no filter; the API does not refuse it.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for code in self.error_statuses(operation):
            component = self._error_component(code)
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": component.ref}},
                    "description": DESCRIPTIONS[code],
                },
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation):
        """The refusal statuses this operation can answer, as strings."""
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        in_path = any(p["in"] == "path" for p in parameters)
        write = self.method in WRITE_METHODS
        codes = []
        if write or query:
            codes.append("400")
        if self._requires_authentication():
            codes += ["401", "403"]
        if in_path or "page" in query:
            codes.append("404")
        if write and getattr(self.view, "action", None) in getattr(
            self.view, "conflict_actions", ()
        ):
            codes.append("409")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _requires_authentication(self):
        permissions = self.view.get_permissions()
        return bool(permissions) and not all(isinstance(p, AllowAny) for p in permissions)

    def _error_component(self, code):
        if code == "400":
            name, schema = "ValidationError", VALIDATION_ERROR_SCHEMA
        else:
            name, schema = "Error", ERROR_SCHEMA
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component


def time_without_offset(result, generator, request, public):
    """Postprocessing hook: `format: time` (which needs an offset) becomes the pattern of the
    times the API writes and reads."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                del node["format"]
                node["pattern"] = TIME_PATTERN
                node.setdefault("example", "09:30:00")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
