"""One package per surface: each translates its platform's events into neutral inbound
messages and renders neutral replies natively."""
