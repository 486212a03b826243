"""The public directory: what anybody may read without an account, on the web pages, in the
feeds and through the open API. Every query here answers only with public records:

- listings that are live (open or matched), public (never a restricted need), verified
  (where verification is required), within their time window, and not of an organisation a
  coordinator rejected (`is_public`, the one definition);
- organisations that a coordinator verified or that have a public listing;
- contact points that agreed to publication (sharing with a match partner is another
  consent; a person's own contact details are never published);
- partnerships as a title and a status, once every partner has confirmed them;
- the gaps, counted over public listings only.

The answers are plain frozen dataclasses holding only public fields, never ORM rows, so that
a template or a serialiser cannot reach a private column through a relationship."""

from core.directory.filters import MAX_PAGE, Filters, page_number
from core.directory.gaps import public_gaps
from core.directory.listings import (
    MAX_PER_PAGE,
    PUBLIC_STATUSES,
    PublicCounts,
    PublicListing,
    Totals,
    is_public,
    matching,
    newest,
    public_counts,
    public_listing,
    public_listings,
)
from core.directory.organisations import (
    PUBLIC_PARTNERSHIPS,
    PublicContactPoint,
    PublicOrganisation,
    PublicPartnership,
    public_contact_points,
    public_organisation,
    public_partnerships,
)
from core.listings import Page

__all__ = [
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "PUBLIC_PARTNERSHIPS",
    "PUBLIC_STATUSES",
    "Filters",
    "Page",
    "PublicContactPoint",
    "PublicCounts",
    "PublicListing",
    "PublicOrganisation",
    "PublicPartnership",
    "Totals",
    "is_public",
    "matching",
    "newest",
    "page_number",
    "public_contact_points",
    "public_counts",
    "public_gaps",
    "public_listing",
    "public_listings",
    "public_organisation",
    "public_partnerships",
]
