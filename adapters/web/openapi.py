"""The OpenAPI 3.1 description of the open API (and of the feeds, which take the same
filters), served at /api/v1/openapi.json. The filters' allowed values are the vocabularies in
use, so the description is built from them; the response schemas are the contract that
tests/web/test_api.py holds every answer to."""

from __future__ import annotations

from typing import Any

from core.directory import MAX_PAGE, MAX_PER_PAGE
from core.models.enums import (
    ContactScope,
    Coverage,
    ListingKind,
    OrganisationKind,
    Priority,
)
from core.vocabularies import Vocabularies

VERSION = "1.0.0"
DEFAULT_PER_PAGE = 20
ERROR_CODES = ("invalid_parameter", "not_found", "method_not_allowed", "rate_limited")
PUBLIC_LISTING_STATUSES = ("open", "matched")
PUBLIC_PARTNERSHIP_STATUSES = ("active", "completed")
DECIMAL = "^-?[0-9]+(\\.[0-9]+)?$"  # exact amounts travel as strings, never as floats

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    kind = schema["type"]
    nullable = {**schema, "type": [kind, "null"]}
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


def _object(properties: dict[str, Schema], description: str = "") -> Schema:
    """Every property is always present (null when it has no value), and no other is."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


STRING: Schema = {"type": "string"}
URL: Schema = {"type": "string", "format": "uri"}
ID: Schema = {"type": "integer", "minimum": 1}
COUNTRY: Schema = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}
REGION: Schema = {"type": "string", "pattern": "^[0-9]{3}$", "description": "UN M49"}
AMOUNT: Schema = {"type": "string", "pattern": DECIMAL}
DATE: Schema = {"type": "string", "format": "date"}
MOMENT: Schema = {"type": "string", "format": "date-time"}


def _links(*names: str) -> Schema:
    described = {
        "self": "this resource in the API",
        "html": "its page on the web directory",
        "next": "the next page, null on the last",
        "prev": "the previous page, null on the first",
    }
    return _object(
        {
            name: {
                **(URL if name in ("self", "html") else _nullable(URL)),
                "description": described[name],
            }
            for name in names
        }
    )


def _schemas() -> dict[str, Schema]:
    return {
        "Listing": _object(
            {
                "id": ID,
                "kind": {"type": "string", "enum": [k.value for k in ListingKind]},
                "title": STRING,
                "description": STRING,
                "assistance_type": {**STRING, "description": "a code of assistance_type"},
                "areas": {"type": "array", "items": STRING, "description": "thematic areas"},
                "coverage": {"type": "string", "enum": [c.value for c in Coverage]},
                "country": _nullable(COUNTRY),
                "region": _nullable(REGION),
                "amount": _nullable(AMOUNT),
                "currency": _nullable({"type": "string", "pattern": "^[A-Z]{3}$"}),
                "remaining_amount": _nullable(AMOUNT),
                "quantity": _nullable(AMOUNT),
                "unit": _nullable(STRING),
                "remaining_quantity": _nullable(AMOUNT),
                "available_from": _nullable(DATE),
                "available_until": _nullable(DATE),
                "priority": _nullable({"type": "string", "enum": [p.value for p in Priority]}),
                "modality": _nullable(STRING),
                "status": {"type": "string", "enum": list(PUBLIC_LISTING_STATUSES)},
                "organisation": _ref("OrganisationRef"),
                "last_confirmed": MOMENT,
                "created_at": MOMENT,
                "updated_at": MOMENT,
                "links": _links("self", "html"),
            },
            "A public need or offer: open or matched, never restricted, verified, in its "
            "time window.",
        ),
        "OrganisationRef": _object(
            {
                "id": ID,
                "name": STRING,
                "kind": {"type": "string", "enum": [k.value for k in OrganisationKind]},
                "country": _nullable(COUNTRY),
                "links": _links("self", "html"),
            }
        ),
        "OrganisationSummary": _object(
            {
                "id": ID,
                "name": STRING,
                "kind": {"type": "string", "enum": [k.value for k in OrganisationKind]},
                "country": _nullable(COUNTRY),
                "region": _nullable(REGION),
                "verified": {"type": "boolean", "description": "verified by a coordinator"},
                "offers": {"type": "integer", "minimum": 0, "description": "public offers"},
                "needs": {"type": "integer", "minimum": 0, "description": "public needs"},
                "links": _links("self", "html"),
            }
        ),
        "Organisation": _object(
            {
                "id": ID,
                "name": STRING,
                "kind": {"type": "string", "enum": [k.value for k in OrganisationKind]},
                "country": _nullable(COUNTRY),
                "region": _nullable(REGION),
                "verified": {"type": "boolean"},
                "offers": {"type": "array", "items": _ref("Listing")},
                "needs": {"type": "array", "items": _ref("Listing")},
                "partnerships": {"type": "array", "items": _ref("Partnership")},
                "contact_points": {"type": "array", "items": _ref("ContactPoint")},
                "links": _links("self", "html"),
            },
            "An organisation that a coordinator verified or that has a public listing, "
            "with its newest public listings (up to 100 of each kind).",
        ),
        "Partnership": _object(
            {
                "id": ID,
                "title": STRING,
                "status": {"type": "string", "enum": list(PUBLIC_PARTNERSHIP_STATUSES)},
            }
        ),
        "ContactPoint": _object(
            {
                "id": ID,
                "scope": {"type": "string", "enum": [s.value for s in ContactScope]},
                "name": STRING,
                "email": _nullable(STRING),
                "phone": _nullable(STRING),
                "country": _nullable(COUNTRY),
                "region": _nullable(REGION),
            },
            "A contact point that agreed to be published.",
        ),
        "ListingPage": _page("Listing"),
        "OrganisationPage": _page("OrganisationSummary"),
        "Error": _object(
            {
                "error": _object(
                    {
                        "code": {"type": "string", "enum": list(ERROR_CODES)},
                        "message": STRING,
                        "field": _nullable(
                            {**STRING, "description": "the query parameter at fault"}
                        ),
                    }
                )
            }
        ),
    }


def _page(item: str) -> Schema:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
            "links": _links("self", "next", "prev"),
        }
    )


def _parameter(name: str, schema: Schema, description: str, where: str = "query") -> Schema:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


def _filters(vocab: Vocabularies) -> list[Schema]:
    def codes(values: list[str]) -> Schema:
        return {"type": "string", "enum": values}

    return [
        _parameter("kind", codes([k.value for k in ListingKind]), "needs or offers"),
        _parameter("assistance_type", codes(vocab.assistance_types.codes()), "type of assistance"),
        _parameter("area", codes(vocab.thematic_areas.codes()), "thematic area"),
        _parameter(
            "country",
            codes(sorted(vocab.countries)),
            "ISO 3166-1 alpha-2 (any case); also brings the listings of the regions around "
            "it and the global offers",
        ),
        _parameter(
            "region",
            codes(sorted(vocab.regions)),
            "UN M49; also brings its countries, sub-regions and the global offers",
        ),
        _parameter("modality", codes(vocab.modalities.codes()), "way of cooperating"),
    ]


PAGING = [
    _parameter("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, ""),
    _parameter(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "",
    ),
]
CACHE_HEADERS = {
    "ETag": {"description": "send it back as If-None-Match", "schema": STRING},
    "Cache-Control": {"schema": STRING},
    "Access-Control-Allow-Origin": {"schema": {"type": "string", "enum": ["*"]}},
}


RETRY_AFTER: Schema = {"description": "seconds to wait", "schema": {"type": "integer"}}


def _error(description: str, retry: bool = False) -> Schema:
    headers = {"Retry-After": RETRY_AFTER}
    return {
        "description": description,
        **({"headers": headers} if retry else {}),
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _get(summary: str, schema: str, parameters: list[Schema], *, missing: bool) -> Schema:
    responses: dict[str, Schema] = {
        "200": {
            "description": summary,
            "headers": CACHE_HEADERS,
            "content": {"application/json": {"schema": _ref(schema)}},
        },
        "304": {"description": "not modified since the ETag sent as If-None-Match"},
        "400": _error("a parameter has a value that is not allowed"),
        "429": _error("too many requests from this client; retry after a while", retry=True),
    }
    if missing:
        responses["404"] = _error("no public record has this id (private or none at all)")
    return {"summary": summary, "parameters": parameters, "responses": responses}


def _feed(vocab: Vocabularies) -> Schema:
    def plain(description: str, headers: dict[str, Schema] | None = None) -> Schema:
        return {
            "description": description,
            **({"headers": headers} if headers else {}),
            "content": {"text/plain": {"schema": STRING}},
        }

    return {
        "summary": "An Atom 1.0 feed of the newest 50 public listings that fit the filters",
        "parameters": [
            *_filters(vocab),
            _parameter("lang", STRING, "the language of the labels (en, fr, es)"),
        ],
        "responses": {
            "200": {
                "description": "the feed",
                "headers": CACHE_HEADERS,
                "content": {"application/atom+xml": {"schema": STRING}},
            },
            "304": {"description": "not modified since the ETag sent as If-None-Match"},
            "400": plain("a filter has a value that is not allowed"),
            "429": plain("too many requests from this client", {"Retry-After": RETRY_AFTER}),
        },
    }


def openapi_document(vocab: Vocabularies, base_url: str) -> dict[str, Any]:
    """The description, with the server at `base_url` (no trailing slash)."""
    listing_id = _parameter("id", ID, "the listing's id", "path")
    organisation_id = _parameter("id", ID, "the organisation's id", "path")
    organisation_filters = [
        _parameter("kind", {"type": "string", "enum": [k.value for k in OrganisationKind]}, ""),
        _parameter("country", {"type": "string", "enum": sorted(vocab.countries)}, "its seat"),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Platform for Partnerships: open API",
            "version": VERSION,
            "description": "Read-only public data: the public needs and offers, and the "
            "organisations behind them. Restricted needs, withdrawn, expired and unverified "
            "listings never appear. Answers carry an ETag and may be cached; requests are "
            "limited per client (429 with Retry-After). Registering and answering happen "
            "in the chat.",
        },
        "servers": [{"url": base_url or "/"}],
        "paths": {
            "/api/v1/listings": {
                "get": _get(
                    "Public listings, newest first",
                    "ListingPage",
                    [*_filters(vocab), *PAGING],
                    missing=False,
                )
            },
            "/api/v1/listings/{id}": {
                "get": _get("One public listing", "Listing", [listing_id], missing=True)
            },
            "/api/v1/organisations": {
                "get": _get(
                    "Public organisations, by name",
                    "OrganisationPage",
                    [*organisation_filters, *PAGING],
                    missing=False,
                )
            },
            "/api/v1/organisations/{id}": {
                "get": _get(
                    "One public organisation", "Organisation", [organisation_id], missing=True
                )
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "headers": CACHE_HEADERS,
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "304": {"description": "not modified"},
                        "429": _error("too many requests", retry=True),
                    },
                }
            },
            "/feed.atom": {"get": _feed(vocab)},
        },
        "components": {"schemas": _schemas()},
    }


__all__ = ["DEFAULT_PER_PAGE", "ERROR_CODES", "openapi_document"]
