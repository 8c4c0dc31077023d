"""`tariffline serve`: the web pages and the HTTP API on uvicorn (see tariffline.web).

uvicorn picks its C HTTP parser (httptools) and event loop (uvloop) when they are installed
(they are dependencies: they cut the server's own cost per request). With ``--workers N`` each
worker process builds the app from ``tariffline.web.app:create_app`` and loads the policy once.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
              port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
              workers: int = typer.Option(1, "--workers", min=1, max=64,
                                          help="Worker processes (e.g. one per core)."),
              access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                              help="Log each request (off for load tests).")) -> None:
        """Serve the web pages and the HTTP API (OpenAPI docs at /docs)."""
        import uvicorn

        uvicorn.run("tariffline.web.app:create_app", factory=True, host=host, port=port,
                    workers=workers, access_log=access_log, log_level="info")
