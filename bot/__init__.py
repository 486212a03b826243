"""The conversation layer: dialogs written once, commands, translations, delivery and
scheduling, the settings and the composition root. Knows no chat platform SDK."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("partnerbot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
