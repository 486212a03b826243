"""Every table of the domain. Importing this package registers them all on
SQLModel.metadata, which the migrations compare against."""

from core.models.cluster import (
    Cluster,
    ClusterCall,
    ClusterPartnership,
    SteeringMember,
    TreatyDeadline,
)
from core.models.consultation import Consultation, ConsultationResponse
from core.models.conversation import Conversation, SetAsideDialog
from core.models.listing import Listing, ListingArea
from core.models.match import Match
from core.models.match_outcome import MatchOutcome
from core.models.organisation import ContactPoint, Organisation
from core.models.partnership import (
    Commitment,
    Indicator,
    Objective,
    Partnership,
    PartnershipMember,
    ReportingSchedule,
)
from core.models.records import AuditEvent, InboundReceipt, Notification, UsageEvent
from core.models.reporting import IndicatorValue, ProgressReport
from core.models.saved_search import SavedSearch
from core.models.stakeholder import ChannelIdentity, LinkCode, Stakeholder, StakeholderRole
from core.models.visits import WebVisit

__all__ = [
    "AuditEvent",
    "ChannelIdentity",
    "Cluster",
    "ClusterCall",
    "ClusterPartnership",
    "Commitment",
    "Consultation",
    "ConsultationResponse",
    "ContactPoint",
    "Conversation",
    "InboundReceipt",
    "Indicator",
    "IndicatorValue",
    "LinkCode",
    "Listing",
    "ListingArea",
    "Match",
    "MatchOutcome",
    "Notification",
    "Objective",
    "Organisation",
    "Partnership",
    "PartnershipMember",
    "ProgressReport",
    "ReportingSchedule",
    "SavedSearch",
    "SetAsideDialog",
    "Stakeholder",
    "StakeholderRole",
    "SteeringMember",
    "TreatyDeadline",
    "UsageEvent",
    "WebVisit",
]
