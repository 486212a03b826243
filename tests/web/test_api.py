"""The open API's contract, on SQLite and PostgreSQL: every answer validates against the
OpenAPI description it serves, the filters and pages, the errors (400, 404, 405, 429) in JSON,
ETags and 304s, CORS, escaping, the rate limit per client, the view hook, and that nothing
private ever appears (restricted, withdrawn, expired, lapsed, fulfilled and unverified
listings, rejected and unverified organisations, unpublished contact points, people)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from adapters.web.api import api_routes
from adapters.web.limits import RateLimiter, client_of
from core.clock import utcnow
from core.listings import create_listing, withdraw_listing
from core.models import ContactPoint, Listing, Organisation, Partnership, PartnershipMember
from core.models.enums import (
    Coverage,
    ListingStatus,
    OrganisationKind,
    PartnershipStatus,
    Priority,
    Role,
    VerificationStatus,
    Visibility,
)
from core.people import create_organisation, name_key
from tests.factories import need, offer, person

BASE = "https://partners.example.org"
HIDDEN = "HIDDEN"  # in the name of everything that must never be published
HOSTILE = '<script>alert(1)</script> & ]]> =HYPERLINK("http://evil.example","x")'


# -- the seeded directory ------------------------------------------------------------------


@dataclass
class Seeded:
    needs: list[int] = field(default_factory=list)  # public, oldest first
    offers: list[int] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)  # listings nobody may see
    organisations: dict[str, int] = field(default_factory=dict)  # public ones, by name
    hidden_organisations: list[int] = field(default_factory=list)
    hostile: int = 0

    @property
    def public(self) -> list[int]:
        """Newest first, as the directory lists them."""
        return sorted(self.needs + self.offers, reverse=True)


def _verified_organisation(session: Any, vocab: Any, name: str, **values: Any) -> Organisation:
    values = {"kind": "national_authority", "country": "KH", **values}
    organisation = create_organisation(session, vocab, name=name, **values)
    organisation.verification = VerificationStatus.verified
    return organisation


def seed(db: Any, vocab: Any) -> Seeded:
    """Four public listings of two organisations, a verified organisation without any, and
    one of everything that must stay private."""
    seeded = Seeded()
    yesterday = utcnow().date() - timedelta(days=1)
    with db.write() as s:
        ministry_org = _verified_organisation(s, vocab, "Ministry of Mine Action")
        ministry = person(s, vocab, organisation_id=ministry_org.id)
        donor = person(
            s, vocab, roles=(Role.donor,), country="NO", kind=OrganisationKind.government
        )
        donor_org = s.get(Organisation, donor.organisation_id)
        assert donor_org is not None
        donor_org.name = "Donor & <Partners>"
        donor_org.name_key = name_key(donor_org.name)
        empty = _verified_organisation(s, vocab, "Survey Agency", kind="ngo", country="LA")

        def add(actor: Any, draft: Any, **options: Any) -> int:
            listing_id = create_listing(s, vocab, actor, draft, **options).listing.id
            assert listing_id is not None
            return listing_id

        seeded.needs.append(add(ministry, need(priority=Priority.high, modality="bilateral")))
        seeded.needs.append(
            add(
                ministry,
                need(
                    title="Survey teams",
                    assistance_type="expertise",
                    areas=["survey_clearance", "capacity_information"],
                    coverage=Coverage.region,
                    country=None,
                    region="035",
                    quantity=None,
                    unit=None,
                ),
            )
        )
        seeded.hostile = add(donor, offer(title=HOSTILE, description=HOSTILE))
        seeded.offers.append(seeded.hostile)
        seeded.offers.append(
            add(
                donor,
                offer(
                    title="Risk education trainers",
                    assistance_type="training",
                    areas=["risk_education"],
                    coverage=Coverage.country,
                    country="LA",
                    amount=None,
                    currency=None,
                    modality="south_south",
                ),
            )
        )

        restricted = need(title=f"{HIDDEN} restricted", visibility=Visibility.restricted)
        seeded.hidden.append(add(ministry, restricted))
        withdrawn = add(donor, offer(title=f"{HIDDEN} withdrawn"))
        withdraw_listing(s, donor, withdrawn)
        seeded.hidden.append(withdrawn)
        for title, change in (
            ("expired", {"status": ListingStatus.expired}),
            ("fulfilled", {"status": ListingStatus.fulfilled}),
            ("lapsed", {"available_until": yesterday}),  # expired, not yet swept
        ):
            listing_id = add(ministry, need(title=f"{HIDDEN} {title}"))
            listing = s.get(Listing, listing_id)
            for name, value in change.items():
                setattr(listing, name, value)
            seeded.hidden.append(listing_id)

        newcomers = create_organisation(
            s, vocab, name=f"{HIDDEN} newcomers", kind="ngo", country="AO"
        )
        newcomer = person(s, vocab, organisation_id=newcomers.id)
        seeded.hidden.append(
            add(newcomer, need(title=f"{HIDDEN} unverified"), require_verification=True)
        )
        rejected = create_organisation(
            s, vocab, name=f"{HIDDEN} rejected", kind="ngo", country="KH"
        )
        seeded.hidden.append(
            add(person(s, vocab, organisation_id=rejected.id), offer(title=f"{HIDDEN} rejected"))
        )
        rejected.verification = VerificationStatus.rejected
        silent = create_organisation(s, vocab, name=f"{HIDDEN} pending", kind="ngo", country="KH")

        for name, published in (("Mine action desk", True), (f"{HIDDEN} desk", False)):
            s.add(
                ContactPoint(
                    organisation_id=ministry_org.id,
                    scope="national",
                    name=name,
                    name_key=name.casefold(),
                    email=f"{'desk' if published else 'hidden'}@mine-action.example",
                    published=published,
                )
            )
        for title, status in (
            ("Clearance of the north", PartnershipStatus.active),
            (f"{HIDDEN} draft", PartnershipStatus.draft),
        ):
            partnership = Partnership(title=title, status=status)
            s.add(partnership)
            s.flush()
            assert partnership.id is not None
            s.add(PartnershipMember(partnership_id=partnership.id, organisation_id=ministry_org.id))
        s.flush()
        seeded.organisations = {
            "Ministry of Mine Action": ministry_org.id,
            "Donor & <Partners>": donor_org.id,
            "Survey Agency": empty.id,
        }  # type: ignore[dict-item]
        seeded.hidden_organisations = [newcomers.id, rejected.id, silent.id]  # type: ignore[list-item]
    return seeded


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def app_of(db: Any, vocab: Any, *, rate_limit: Any = 10_000, on_view: Any = None) -> Starlette:
    extra = {"on_view": on_view} if on_view else {}
    return Starlette(
        routes=api_routes(db.read, vocab, base_url=BASE + "/", rate_limit=rate_limit, **extra)
    )


@pytest.fixture
def seeded(db: Any, vocab: Any) -> Seeded:
    return seed(db, vocab)


@pytest.fixture
def client(db: Any, vocab: Any, seeded: Seeded) -> TestClient:
    return TestClient(app_of(db, vocab))


# -- a validator for the subset of JSON Schema 2020-12 the description uses ----------------


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$") -> None:
    if "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        return validate(value, root["components"]["schemas"][name], root, at)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        assert any(_is(value, kind) for kind in kinds), f"{at}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{at}: {value!r} not in {schema['enum']}"
    if isinstance(value, str):
        if "pattern" in schema:
            assert re.search(schema["pattern"], value), f"{at}: {value!r} !~ {schema['pattern']}"
        _format(value, schema.get("format"), at)
    if isinstance(value, int) and not isinstance(value, bool):
        assert value >= schema.get("minimum", value), f"{at}: {value} below the minimum"
        assert value <= schema.get("maximum", value), f"{at}: {value} above the maximum"
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        missing = set(schema.get("required", ())) - set(value)
        assert not missing, f"{at}: missing {sorted(missing)}"
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(properties)
            assert not extra, f"{at}: not described: {sorted(extra)}"
        for name, item in value.items():
            if name in properties:
                validate(item, properties[name], root, f"{at}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            validate(item, schema["items"], root, f"{at}[{index}]")
    return None


def _is(value: Any, kind: str) -> bool:
    return {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }[kind]


def _format(value: str, name: str | None, at: str) -> None:
    if name == "date":
        date.fromisoformat(value)
    elif name == "date-time":
        assert datetime.fromisoformat(value).tzinfo is not None, f"{at}: {value} has no zone"
    elif name == "uri":
        assert urlsplit(value).scheme in ("http", "https"), f"{at}: {value} is not absolute"


def response_schema(document: dict[str, Any], path: str, status: int) -> dict[str, Any]:
    answer = document["paths"][path]["get"]["responses"][str(status)]
    return answer["content"]["application/json"]["schema"]


def template_of(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"/(listings|organisations)/[^/]+$", r"/\1/{id}", path)


class Contract:
    """Every answer fetched through it is checked against the served description."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.document = client.get("/api/v1/openapi.json").json()
        self.bodies: list[str] = []

    def get(self, url: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.client.get(url, **kwargs)
        assert response.status_code == expected, (url, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.headers["access-control-allow-origin"] == "*"
        validate(
            response.json(),
            response_schema(self.document, template_of(url), expected),
            self.document,
        )
        self.bodies.append(response.text)
        return response.json()


# -- the description -----------------------------------------------------------------------


def test_the_description_is_openapi_3_1_and_every_reference_resolves(client, vocab) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0" and document["info"]["version"]
    assert document["servers"] == [{"url": BASE}]
    schemas = document["components"]["schemas"]
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in schemas
    for path in (
        "/api/v1/listings",
        "/api/v1/listings/{id}",
        "/api/v1/organisations",
        "/api/v1/organisations/{id}",
        "/api/v1/openapi.json",
        "/feed.atom",
    ):
        operation = document["paths"][path]["get"]
        assert "200" in operation["responses"] and "429" in operation["responses"]
        for parameter in operation.get("parameters", []):
            assert {"name", "in", "schema"} <= set(parameter)
            assert parameter["required"] is (parameter["in"] == "path")
    for path in ("/api/v1/listings/{id}", "/api/v1/organisations/{id}"):
        assert "404" in document["paths"][path]["get"]["responses"]
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/listings"]["get"]["parameters"]
    }
    assert parameters["area"]["enum"] == vocab.thematic_areas.codes()
    assert parameters["assistance_type"]["enum"] == vocab.assistance_types.codes()
    assert parameters["modality"]["enum"] == vocab.modalities.codes()
    assert parameters["kind"]["enum"] == ["need", "offer"]
    assert "KH" in parameters["country"]["enum"] and "035" in parameters["region"]["enum"]
    assert parameters["per_page"]["maximum"] == 100
    # the error responses are described as the Error schema
    error = response_schema(document, "/api/v1/listings", 400)
    assert error == {"$ref": "#/components/schemas/Error"}


# -- what appears, and what never does -------------------------------------------------------


def test_every_answer_fits_the_description_and_nothing_private_appears(
    client, seeded: Seeded
) -> None:
    api = Contract(client)
    listings = api.get("/api/v1/listings?per_page=100")
    assert [item["id"] for item in listings["items"]] == seeded.public
    assert listings["total"] == 4 and listings["pages"] == 1
    for listing_id in seeded.public:
        api.get(f"/api/v1/listings/{listing_id}")
    for listing_id in seeded.hidden:
        api.get(f"/api/v1/listings/{listing_id}", 404)
    organisations = api.get("/api/v1/organisations?per_page=100")
    assert {item["name"]: item["id"] for item in organisations["items"]} == seeded.organisations
    for organisation_id in seeded.organisations.values():
        api.get(f"/api/v1/organisations/{organisation_id}")
    for organisation_id in seeded.hidden_organisations:
        api.get(f"/api/v1/organisations/{organisation_id}", 404)
    for kind in ("need", "offer"):
        api.get(f"/api/v1/listings?kind={kind}")
    for body in api.bodies:
        assert HIDDEN not in body
        assert "Person " not in body  # a person's name is never published
        assert "hidden@" not in body


def test_an_organisation_shows_its_public_listings_partnerships_and_published_contacts(
    client, seeded: Seeded
) -> None:
    api = Contract(client)
    ministry = api.get(f"/api/v1/organisations/{seeded.organisations['Ministry of Mine Action']}")
    assert [n["id"] for n in ministry["needs"]] == sorted(seeded.needs, reverse=True)
    assert ministry["offers"] == [] and ministry["verified"] is True
    assert ministry["partnerships"] == [
        {
            "id": ministry["partnerships"][0]["id"],
            "title": "Clearance of the north",
            "status": "active",
        }
    ]
    [desk] = ministry["contact_points"]
    assert (desk["name"], desk["email"], desk["scope"]) == (
        "Mine action desk",
        "desk@mine-action.example",
        "national",
    )
    summaries = {o["name"]: o for o in api.get("/api/v1/organisations")["items"]}
    assert (
        summaries["Ministry of Mine Action"]["needs"],
        summaries["Ministry of Mine Action"]["offers"],
    ) == (2, 0)
    assert (summaries["Donor & <Partners>"]["offers"], summaries["Survey Agency"]["offers"]) == (
        2,
        0,
    )
    assert summaries["Donor & <Partners>"]["verified"] is False  # shown for its listings
    assert list(summaries) == ["Donor & <Partners>", "Ministry of Mine Action", "Survey Agency"]


def test_organisations_filter_by_kind_and_country(client, seeded: Seeded) -> None:
    api = Contract(client)
    names = lambda url: [o["name"] for o in api.get(url)["items"]]  # noqa: E731
    assert names("/api/v1/organisations?kind=ngo") == ["Survey Agency"]
    assert names("/api/v1/organisations?country=kh") == ["Ministry of Mine Action"]
    assert names("/api/v1/organisations?kind=government&country=NO") == ["Donor & <Partners>"]
    for query, name in (("kind=church", "kind"), ("country=XX", "country")):
        error = api.get(f"/api/v1/organisations?{query}", 400)["error"]
        assert (error["code"], error["field"]) == ("invalid_parameter", name)


def test_a_listing_in_full(client, seeded: Seeded) -> None:
    api = Contract(client)
    first = api.get(f"/api/v1/listings/{seeded.needs[0]}")
    assert first["kind"] == "need" and first["priority"] == "high"
    assert (first["quantity"], first["remaining_quantity"], first["unit"]) == ("40", "40", "kits")
    assert (first["coverage"], first["country"], first["region"]) == ("country", "KH", "035")
    assert first["links"] == {
        "self": f"{BASE}/api/v1/listings/{seeded.needs[0]}",
        "html": f"{BASE}/listings/{seeded.needs[0]}",
    }
    assert first["organisation"]["name"] == "Ministry of Mine Action"
    money = api.get(f"/api/v1/listings/{seeded.hostile}")
    assert (money["amount"], money["currency"], money["coverage"]) == ("100000", "USD", "global")


def test_missing_private_and_malformed_ids_are_the_same_404(client, seeded: Seeded) -> None:
    answers = {
        client.get(f"/api/v1/listings/{listing_id}").text
        for listing_id in (*seeded.hidden, 999_999, "abc", "12345678901", "-1", "٣")
    }
    assert len(answers) == 1
    assert '"code":"not_found"' in answers.pop()
    missing = client.get("/api/v1/organisations/999999")
    hidden = client.get(f"/api/v1/organisations/{seeded.hidden_organisations[0]}")
    assert missing.status_code == hidden.status_code == 404 and missing.text == hidden.text
    assert missing.headers["cache-control"] == "no-store"


# -- filters and pages -----------------------------------------------------------------------


def test_the_filters(client, seeded: Seeded) -> None:
    api = Contract(client)
    ids = lambda query: [i["id"] for i in api.get(f"/api/v1/listings?{query}")["items"]]  # noqa: E731
    n1, n2 = seeded.needs
    hostile, trainers = seeded.offers
    assert ids("kind=need") == [n2, n1]
    assert ids("kind=offer") == [trainers, hostile]
    # a country brings the listings of the regions around it and the global offers
    assert ids("country=KH") == [hostile, n2, n1]
    assert ids("country=kh&kind=need") == [n2, n1]
    assert ids("region=035") == sorted(seeded.public, reverse=True)
    assert ids("area=survey_clearance") == [n2]
    assert ids("assistance_type=training") == [trainers]
    assert ids("modality=bilateral") == [n1]
    assert ids("kind=need&area=risk_education") == []
    assert ids("kind=&area=") == seeded.public  # empty is no filter
    assert ids("unknown=1&utm_source=x") == seeded.public  # other parameters are ignored


NOT_ALLOWED = [
    ("kind=needs", "kind"),
    ("area=gardening", "area"),
    ("country=XX", "country"),
    ("region=999", "region"),
    ("assistance_type=cash", "assistance_type"),
    ("modality=<b>", "modality"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("page=10001", "page"),
    ("per_page=101", "per_page"),
    ("per_page=-5", "per_page"),
    ("per_page=²", "per_page"),
]


def test_a_value_that_is_not_allowed_is_a_400_naming_the_parameter(client) -> None:
    api = Contract(client)
    for query, name in NOT_ALLOWED:
        error = api.get(f"/api/v1/listings?{query}", 400)["error"]
        assert (error["code"], error["field"]) == ("invalid_parameter", name), query
        assert "<b>" not in api.bodies[-1]


def test_pages_link_to_each_other_and_keep_the_filters(client, seeded: Seeded) -> None:
    api = Contract(client)
    first = api.get("/api/v1/listings?per_page=3")
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 3, 4, 2)
    assert first["links"]["prev"] is None
    assert first["links"]["self"] == f"{BASE}/api/v1/listings?page=1&per_page=3"
    second = api.get(first["links"]["next"].removeprefix(BASE))
    assert second["links"]["next"] is None
    assert second["links"]["prev"] == first["links"]["self"]
    assert [i["id"] for i in first["items"] + second["items"]] == seeded.public
    needs = api.get("/api/v1/listings?kind=need&country=KH&per_page=1")
    assert (
        needs["links"]["next"] == f"{BASE}/api/v1/listings?kind=need&country=KH&page=2&per_page=1"
    )
    beyond = api.get("/api/v1/listings?page=7&per_page=3")
    assert beyond["items"] == [] and beyond["links"]["next"] is None
    assert beyond["links"]["prev"] == f"{BASE}/api/v1/listings?page=2&per_page=3"
    assert api.get("/api/v1/listings")["per_page"] == 20
    organisations = api.get("/api/v1/organisations?per_page=2")
    assert organisations["pages"] == 2
    rest = api.get(organisations["links"]["next"].removeprefix(BASE))
    assert [o["name"] for o in organisations["items"] + rest["items"]] == sorted(
        seeded.organisations
    )


# -- HTTP: caching, CORS, methods ------------------------------------------------------------


def test_etags_give_304s_and_differ_with_the_answer(client) -> None:
    first = client.get("/api/v1/listings?kind=need")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"].startswith("public, max-age=")
    assert "Accept-Language" not in first.headers["vary"]  # no answer depends on a language
    again = client.get("/api/v1/listings?kind=need", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["access-control-allow-origin"] == "*"
    other = client.get("/api/v1/listings?kind=offer", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    description = client.get("/api/v1/openapi.json")
    cached = client.get(
        "/api/v1/openapi.json", headers={"If-None-Match": description.headers["etag"]}
    )
    assert cached.status_code == 304


def test_an_edit_changes_the_etag(db, vocab, client, seeded: Seeded) -> None:
    url = f"/api/v1/listings/{seeded.needs[0]}"
    before = client.get(url).headers["etag"]
    with db.write() as s:
        listing = s.get(Listing, seeded.needs[0])
        listing.title = "Prosthetic kits, 60 now"
        listing.updated_at = utcnow()
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200 and after.json()["title"] == "Prosthetic kits, 60 now"


def test_cors_is_open_on_every_answer_and_preflights_are_answered(client, seeded) -> None:
    for url in (
        "/api/v1/listings",
        "/api/v1/listings/0",
        "/api/v1/listings?area=x",
        "/api/v1/nothing/here",
    ):
        assert client.get(url).headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/api/v1/listings",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "If-None-Match" in preflight.headers["access-control-allow-headers"]
    assert "ETag" in client.get("/api/v1/listings").headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in preflight.headers


def test_the_api_is_read_only_and_answers_json_everywhere_under_it(client) -> None:
    api = Contract(client)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, "/api/v1/listings")
        assert response.status_code == 405, method
        assert response.json()["error"]["code"] == "method_not_allowed"
        assert "GET" in response.headers["allow"]
    for url in ("/api/v1/nothing", "/api/v1/", "/api/v1"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    api.get("/api/v1/listings/abc", 404)


def test_texts_are_escaped_yet_come_back_exactly(client, seeded: Seeded) -> None:
    response = client.get(f"/api/v1/listings/{seeded.hostile}")
    assert response.json()["title"] == HOSTILE and response.json()["description"] == HOSTILE
    assert "<" not in response.text and ">" not in response.text and "&" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    organisations = client.get("/api/v1/organisations").text
    assert "<" not in organisations and "Donor \\u0026 \\u003cPartners\\u003e" in organisations


# -- the rate limit and the view hook --------------------------------------------------------


def test_each_client_has_its_own_budget_and_is_told_when_to_come_back(db, vocab, seeded) -> None:
    clock = Clock()
    app = app_of(db, vocab, rate_limit=RateLimiter(3, clock=clock))
    one = TestClient(app, client=("198.51.100.7", 4000))
    other = TestClient(app, client=("203.0.113.9", 4000))
    assert [one.get("/api/v1/listings").status_code for _ in range(3)] == [200] * 3
    refused = one.get("/api/v1/listings")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"  # 3 a minute: one every 20 seconds
    assert refused.headers["access-control-allow-origin"] == "*"
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and "198.51.100.7" not in refused.text
    validate(
        refused.json(),
        response_schema(other.get("/api/v1/openapi.json").json(), "/api/v1/listings", 429),
        other.get("/api/v1/openapi.json").json(),
    )
    assert one.get("/api/v1/nothing").status_code == 429  # every path spends the budget
    clock.now += 19
    assert one.get("/api/v1/listings").status_code == 429
    clock.now += 1
    assert one.get("/api/v1/listings").status_code == 200
    assert other.get("/api/v1/listings/1").status_code in (200, 404)


def test_the_view_hook_hears_each_answer_once_and_cannot_break_it(db, vocab, seeded) -> None:
    heard: list[tuple[str, dict[str, str]]] = []
    app = app_of(db, vocab, on_view=lambda kind, filters: heard.append((kind, filters)))
    client = TestClient(app)
    client.get("/api/v1/listings?kind=need&country=kh&area=victim_assistance&page=1")
    client.get(f"/api/v1/listings/{seeded.offers[0]}")
    client.get("/api/v1/organisations")
    client.get("/api/v1/listings?kind=wrong")  # not an answer: not counted
    client.get(f"/api/v1/listings/{seeded.hidden[0]}")
    assert heard == [
        ("api", {"kind": "need", "area": "victim_assistance", "country": "KH"}),
        ("api", {"kind": "offer"}),
        ("api", {}),
    ]

    def broken(kind: str, filters: dict[str, str]) -> None:
        raise RuntimeError("the counter is down")

    assert TestClient(app_of(db, vocab, on_view=broken)).get("/api/v1/listings").status_code == 200


def test_the_limiter_holds_no_address_and_stays_bounded() -> None:
    clock = Clock()
    limits = RateLimiter(2, clock=clock, max_clients=10)
    for n in range(100):
        assert limits.take(f"192.0.2.{n}") == 0
    assert limits.clients() <= 10
    # a bucket is a keyed hash, not the address
    assert all(b"192.0.2" not in key for key in limits._buckets)
    # an IPv6 /64 is one client; an IPv4-mapped address is its IPv4 address
    assert client_of("2001:db8:1:2:aaaa::1") == client_of("2001:db8:1:2:bbbb::9")
    assert client_of("2001:db8:1:3::1") != client_of("2001:db8:1:2::1")
    assert client_of("::ffff:192.0.2.1") == "192.0.2.1"
    v6 = RateLimiter(1, clock=clock)
    assert v6.take("2001:db8::1") == 0 and v6.take("2001:db8::2") == 60
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_walking_the_api_and_the_feeds_over_the_pages_registry_finds_nothing_private(
    db, vocab
) -> None:
    """The registry the pages' privacy walk uses (tests/web/seed.py), through every API
    answer and link, and the feeds of every kind and place in it."""
    from adapters.web.feeds import feed_routes
    from tests.web.seed import seed as seed_of_the_pages

    with db.write() as s:
        registry = seed_of_the_pages(s, vocab)
    routes = api_routes(db.read, vocab, base_url=BASE, rate_limit=10_000)
    routes += feed_routes(db.read, vocab, base_url=BASE, rate_limit=10_000)
    api = Contract(TestClient(Starlette(routes=routes)))
    queue = ["/api/v1/listings?per_page=100", "/api/v1/organisations?per_page=100"]
    queue += [
        f"/api/v1/listings?{name}={value}"
        for name, value in (
            ("country", "KH"),
            ("country", "AO"),
            ("region", "035"),
            ("kind", "need"),
        )
    ]
    seen: set[str] = set()
    listed: set[int] = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        answer = api.get(url)
        for item in answer.get("items", []) + answer.get("offers", []) + answer.get("needs", []):
            queue.append(item["links"]["self"].removeprefix(BASE))
            if "organisation" in item:
                listed.add(item["id"])
                queue.append(item["organisation"]["links"]["self"].removeprefix(BASE))
    assert listed == set(registry.public.values())
    assert {f"/api/v1/organisations/{i}" for i in registry.organisations.values()} <= seen
    api.get(f"/api/v1/organisations/{registry.rejected_organisation}", 404)
    bodies = list(api.bodies)
    for query in ("", "kind=need", "kind=offer", "country=KH", "country=AO", "region=035"):
        response = api.client.get(f"/feed.atom?{query}")
        assert response.status_code == 200
        bodies.append(response.text)
    for body in bodies:
        for secret in [*registry.secrets, *registry.private]:
            assert secret not in body
    assert any("Published Liaison Office" in body for body in bodies)
