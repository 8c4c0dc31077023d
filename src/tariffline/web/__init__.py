"""The web face of tariffline: an HTTP API with the CLI's verbs and JSON, and server-rendered pages.

``create_app()`` builds the FastAPI application (``web.app``); ``web.api_routes`` holds the
``/api/*`` endpoints, ``web.pages`` the HTML pages, ``web.charts`` the SVG charts shared with the
briefing report.
"""
