"""Every command, declared once, grouped by subject; `REGISTRY` drives every surface."""

from __future__ import annotations

from bot.commands import (
    alerts,
    away,
    clusters,
    consultations,
    coordination,
    general,
    interest,
    listings,
    matches,
    organisation,
    outcomes,
    partnerships,
    people,
    reports,
)
from bot.commands.registry import Command, Registry, parse_command_text

COMMANDS: tuple[Command, ...] = (
    *general.FIRST,
    *listings.COMMANDS,
    *alerts.COMMANDS,
    *interest.COMMANDS,
    *matches.COMMANDS,
    *outcomes.COMMANDS,
    *partnerships.COMMANDS,
    *reports.COMMANDS,
    *people.COMMANDS,
    *away.COMMANDS,
    *organisation.COMMANDS,
    *coordination.COMMANDS,
    *consultations.COMMANDS,
    *clusters.COMMANDS,
    *general.LAST,
)
REGISTRY = Registry(COMMANDS)

__all__ = ["COMMANDS", "REGISTRY", "Command", "Registry", "parse_command_text"]
