"""The open API: read-only JSON of the public listings and organisations, with the
directory's filters, pages of up to 100, an ETag on every answer, CORS open to any origin (the
data is public and nothing here reads a cookie), a rate limit per client, and errors as
{"error": {"code", "message", "field"}}. Described in adapters/web/openapi.py.

The endpoints are plain functions, which Starlette runs in its thread pool, as the database
calls block."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.web.http import SECURITY_HEADERS, cached
from adapters.web.limits import RateLimiter, limiter
from adapters.web.openapi import DEFAULT_PER_PAGE, openapi_document
from adapters.web.pages import OnView, SessionFactory, no_count
from core import directory
from core.directory import MAX_PAGE, MAX_PER_PAGE, Filters, PublicListing
from core.directory.organisation_list import OrganisationSummary, public_organisations
from core.errors import InvalidInput
from core.listings import Page
from core.models.enums import OrganisationKind
from core.validation import check_country
from core.vocabularies import Vocabularies

log = logging.getLogger(__name__)

JSON_TYPE = "application/json"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Retry-After"}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
    "Access-Control-Max-Age": "86400",
}
# The answers hold no word of any language and read no cookie: they vary with nothing the
# request says but its URL (compression aside).
VARY = "Accept-Encoding"


@dataclass
class ApiError(Exception):
    status: int
    code: str  # one of openapi.ERROR_CODES
    message: str
    field: str | None = None  # the query parameter at fault
    headers: dict[str, str] | None = None


def to_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON in which <, > and & are escaped (\\u003c…), so that no text of a
    listing can read as markup to anything that sniffs a body."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def error_response(error: ApiError) -> Response:
    body = to_json({"error": {"code": error.code, "message": error.message, "field": error.field}})
    headers = {**SECURITY_HEADERS, **CORS, "Cache-Control": "no-store", **(error.headers or {})}
    return Response(body, status_code=error.status, media_type=JSON_TYPE, headers=headers)


def decimal(value: Decimal | None) -> str | None:
    """An exact amount as a string without exponent or trailing zeros: "1500", "0.25"."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class Api:
    session_factory: SessionFactory
    vocab: Vocabularies
    base_url: str
    limits: RateLimiter
    on_view: OnView = no_count
    # The totals of filters, kept a minute (core.directory.Totals); rows are read fresh.
    totals: directory.Totals | None = field(default_factory=directory.Totals)
    _description: bytes = field(init=False, default=b"")

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._description = to_json(openapi_document(self.vocab, self.base_url))

    # -- links -------------------------------------------------------------------------------

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        return f"{self.base_url}{path}" + (f"?{urlencode(query)}" if query else "")

    def links(self, collection: str, record_id: int) -> dict[str, str]:
        """A record's address in the API and its page on the directory."""
        return {
            "self": self.url(f"/api/v1/{collection}/{record_id}"),
            "html": self.url(f"/{collection}/{record_id}"),
        }

    def page_json(
        self, path: str, query: dict[str, str], found: Page[Any], items: list[Any]
    ) -> dict[str, Any]:
        def link(number: int) -> str:
            return self.url(path, {**query, "page": str(number), "per_page": str(found.page_size)})

        links = {
            "self": link(found.page),
            "next": link(found.page + 1) if found.page < found.pages else None,
            # past the last page, the way back is to the last one
            "prev": link(min(found.page - 1, found.pages)) if found.page > 1 else None,
        }
        return {
            "items": items,
            "page": found.page,
            "per_page": found.page_size,
            "total": found.total,
            "pages": found.pages,
            "links": links,
        }

    # -- representations ---------------------------------------------------------------------

    def listing_json(self, listing: PublicListing) -> dict[str, Any]:
        return {
            "id": listing.id,
            "kind": str(listing.kind),
            "title": listing.title,
            "description": listing.description,
            "assistance_type": listing.assistance_type,
            "areas": list(listing.areas),
            "coverage": listing.coverage,
            "country": listing.country,
            "region": listing.region,
            "amount": decimal(listing.amount),
            "currency": listing.currency,
            "remaining_amount": decimal(listing.remaining_amount),
            "quantity": decimal(listing.quantity),
            "unit": listing.unit,
            "remaining_quantity": decimal(listing.remaining_quantity),
            "available_from": day(listing.available_from),
            "available_until": day(listing.available_until),
            "priority": listing.priority,
            "modality": listing.modality,
            "status": str(listing.status),
            "organisation": {
                "id": listing.organisation_id,
                "name": listing.organisation_name,
                "kind": listing.organisation_kind,
                "country": listing.organisation_country,
                "links": self.links("organisations", listing.organisation_id),
            },
            "last_confirmed": moment(listing.last_confirmed),
            "created_at": moment(listing.created_at),
            "updated_at": moment(listing.updated_at),
            "links": self.links("listings", listing.id),
        }

    def summary_json(self, organisation: OrganisationSummary) -> dict[str, Any]:
        return {
            "id": organisation.id,
            "name": organisation.name,
            "kind": organisation.kind,
            "country": organisation.country,
            "region": organisation.region,
            "verified": organisation.verified,
            "offers": organisation.offers,
            "needs": organisation.needs,
            "links": self.links("organisations", organisation.id),
        }

    def organisation_json(self, organisation: directory.PublicOrganisation) -> dict[str, Any]:
        return {
            "id": organisation.id,
            "name": organisation.name,
            "kind": organisation.kind,
            "country": organisation.country,
            "region": organisation.region,
            "verified": organisation.verified,
            "offers": [self.listing_json(listing) for listing in organisation.offers],
            "needs": [self.listing_json(listing) for listing in organisation.needs],
            # Both hold public fields only, each already in its JSON form.
            "partnerships": [asdict(p) for p in organisation.partnerships],
            "contact_points": [asdict(point) for point in organisation.contact_points],
            "links": self.links("organisations", organisation.id),
        }

    # -- endpoints ---------------------------------------------------------------------------

    def listings(self, request: Request) -> tuple[Any, dict[str, str]]:
        filters = _filters(request, self.vocab)
        page, per_page = _paging(request)
        with self.session_factory() as session:
            found = directory.public_listings(
                session, self.vocab, filters, page=page, per_page=per_page, totals=self.totals
            )
        query = filters.to_query()
        items = [self.listing_json(listing) for listing in found.items]
        return self.page_json("/api/v1/listings", query, found, items), query

    def listing(self, request: Request) -> tuple[Any, dict[str, str]]:
        listing_id = _id(request)
        with self.session_factory() as session:
            found = directory.public_listing(session, listing_id) if listing_id else None
        if found is None:
            raise ApiError(404, "not_found", "No public listing has this id.")
        return self.listing_json(found), {"kind": str(found.kind)}

    def organisations(self, request: Request) -> tuple[Any, dict[str, str]]:
        kind, country = _organisation_filters(request, self.vocab)
        page, per_page = _paging(request)
        with self.session_factory() as session:
            found = public_organisations(
                session, kind=kind, country=country, page=page, per_page=per_page
            )
        query = {name: value for name, value in (("kind", kind), ("country", country)) if value}
        items = [self.summary_json(organisation) for organisation in found.items]
        return self.page_json("/api/v1/organisations", query, found, items), {}

    def organisation(self, request: Request) -> tuple[Any, dict[str, str]]:
        organisation_id = _id(request)
        with self.session_factory() as session:
            found = (
                directory.public_organisation(session, organisation_id) if organisation_id else None
            )
        if found is None:
            raise ApiError(404, "not_found", "No public organisation has this id.")
        return self.organisation_json(found), {}

    def description(self, request: Request) -> tuple[Any, dict[str, str]]:
        return self._description, {}

    def elsewhere(self, request: Request) -> tuple[Any, dict[str, str]]:
        """Whatever no endpoint answers under /api/v1: the API's own errors, in JSON."""
        if request.method not in READ_METHODS:
            raise ApiError(
                405,
                "method_not_allowed",
                "The API is read-only: use GET.",
                headers={"Allow": ", ".join(READ_METHODS)},
            )
        raise ApiError(404, "not_found", "No such endpoint; see /api/v1/openapi.json.")

    # -- the common part ---------------------------------------------------------------------

    def endpoint(
        self, answer: Callable[[Request], tuple[Any, dict[str, str]]], *, preflight: bool = True
    ) -> Callable[[Request], Response]:
        """An answer wrapped in what every request gets: the rate limit first, the CORS
        preflight, the errors in JSON, the ETag, and the view counted once it succeeded."""

        def respond(request: Request) -> Response:
            wait = self.limits.take(request.client.host if request.client else None)
            if wait:
                return error_response(
                    ApiError(
                        429,
                        "rate_limited",
                        f"Too many requests; retry in {wait} s.",
                        headers={"Retry-After": str(wait)},
                    )
                )
            if request.method == "OPTIONS" and preflight:
                return Response(status_code=204, headers={**SECURITY_HEADERS, **PREFLIGHT})
            try:
                payload, viewed = answer(request)
            except ApiError as error:
                return error_response(error)
            body = payload if isinstance(payload, bytes) else to_json(payload)
            response = cached(request, body, JSON_TYPE, vary=VARY, headers=CORS)
            self._viewed(viewed)
            return response

        respond.__name__ = answer.__name__
        return respond

    def _viewed(self, filters: dict[str, str]) -> None:
        try:
            self.on_view("api", filters)
        except Exception:  # counting visits must never cost anybody their answer
            log.exception("the view hook failed on an API request")


def _filters(request: Request, vocab: Vocabularies) -> Filters:
    try:
        return Filters.from_query(request.query_params, vocab, strict=True)
    except InvalidInput as error:
        name = error.field or "query"
        raise ApiError(
            400,
            "invalid_parameter",
            f"{name}: not a value this API knows; see /api/v1/openapi.json for the values.",
            field=name,
        ) from None


def _organisation_filters(
    request: Request, vocab: Vocabularies
) -> tuple[OrganisationKind | None, str | None]:
    kind = (request.query_params.get("kind") or "").strip() or None
    if kind is not None and kind not in OrganisationKind.__members__.values():
        raise ApiError(400, "invalid_parameter", "kind: not a kind of organisation.", field="kind")
    country = (request.query_params.get("country") or "").strip() or None
    if country is not None:
        try:
            country = check_country(vocab, country)
        except InvalidInput:
            raise ApiError(
                400,
                "invalid_parameter",
                "country: not an ISO 3166-1 alpha-2 code.",
                field="country",
            ) from None
    return (OrganisationKind(kind) if kind else None), country


def _paging(request: Request) -> tuple[int, int]:
    return (
        _whole(request, "page", 1, MAX_PAGE, 1),
        _whole(request, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
    )


def _whole(request: Request, name: str, low: int, high: int, default: int) -> int:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return default
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None
    if number is None or not low <= number <= high:
        raise ApiError(
            400,
            "invalid_parameter",
            f"{name}: a whole number from {low} to {high}.",
            field=name,
        )
    return number


def _id(request: Request) -> int | None:
    raw = str(request.path_params.get("id", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None


def api_routes(
    session_factory: SessionFactory,
    vocab: Vocabularies,
    *,
    base_url: str,
    rate_limit: int | RateLimiter,
    on_view: OnView = no_count,
) -> list[Route]:
    """The API's routes, to add to the web app. `session_factory` opens a read-only unit of
    work (Database.read); `base_url` is the server's public address, for the links;
    `rate_limit` is requests per minute and client, or a RateLimiter to share with the
    feeds; `on_view` is told of every request answered, as ("api", its filters), from a
    worker thread."""
    api = Api(session_factory, vocab, base_url, limiter(rate_limit), on_view)
    read = list(READ_METHODS)
    every = [*READ_METHODS, "POST", "PUT", "PATCH", "DELETE"]
    return [
        Route("/api/v1/listings", api.endpoint(api.listings), methods=read),
        Route("/api/v1/listings/{id}", api.endpoint(api.listing), methods=read),
        Route("/api/v1/organisations", api.endpoint(api.organisations), methods=read),
        Route("/api/v1/organisations/{id}", api.endpoint(api.organisation), methods=read),
        Route("/api/v1/openapi.json", api.endpoint(api.description), methods=read),
        # Last: a wrong method or path under /api/v1 answers in JSON, not with a page.
        Route("/api/v1", api.endpoint(api.elsewhere, preflight=False), methods=every),
        Route("/api/v1/{rest:path}", api.endpoint(api.elsewhere, preflight=False), methods=every),
    ]


__all__ = ["Api", "ApiError", "api_routes", "no_count", "to_json"]
