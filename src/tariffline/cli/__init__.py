"""The ``tariffline`` command line (Typer + Rich): one module per group of verbs."""
