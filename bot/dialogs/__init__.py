"""Dialogs declared once as steps, and the engine that runs them for every platform."""
