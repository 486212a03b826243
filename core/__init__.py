"""The domain of Partnerbot: organisations, stakeholders, needs and offers, matches,
partnerships and their reporting. Knows nothing of chat platforms."""
