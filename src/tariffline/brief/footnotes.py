"""Numbered footnotes for the briefing: one number per distinct source text, in order of first use."""

from __future__ import annotations

from markupsafe import Markup, escape


class Footnotes:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> Markup:
        """The superscript link for ``text``'s footnote (numbered on first use)."""
        text = str(text or "source not recorded").strip()
        if text not in self.texts:
            self.texts.append(text)
        n = self.texts.index(text) + 1
        return Markup(f'<sup class="fn"><a href="#fn-{n}">{n}</a></sup>')

    def items(self) -> list[tuple[int, Markup]]:
        return [(i, escape(t)) for i, t in enumerate(self.texts, 1)]
