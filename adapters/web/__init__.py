"""The public face of the platform on the web: server-rendered pages of the directory (offers,
needs, organisations, gaps) in English, French and Spanish, read from core.directory. Whatever
changes data happens in the chat; every page leads there."""

from adapters.web.app import build_web_app, web_routes, web_site

__all__ = ["build_web_app", "web_routes", "web_site"]
