"""The briefing report: a few pages in the spirit of a CRS In Focus, as HTML or PDF.

``build.render_html(as_of, origin)`` fills ``templates/brief.html`` from
:mod:`tariffline.web.figures`; ``build.write(path, ...)`` writes HTML or, through WeasyPrint,
a PDF with the charts as vectors. Every number carries a numbered footnote to its source.
"""
