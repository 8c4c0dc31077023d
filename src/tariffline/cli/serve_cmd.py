"""`tariffline serve`: the web pages and the HTTP API on uvicorn (see tariffline.web)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
              port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on.")) -> None:
        """Serve the web pages and the HTTP API (OpenAPI docs at /docs)."""
        import uvicorn

        from tariffline.web.app import create_app

        uvicorn.run(create_app(), host=host, port=port, log_level="info")
