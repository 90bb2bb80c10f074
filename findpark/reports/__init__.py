"""Reports: the files findpark writes for people. One PDF base (``pdf``: the vendored CJK font, styles, an
A4 page with its header and footer) and one XLSX base (``xlsx``) serve the recommendation
(``recommendation``), the park comparison (``comparison``) and the quarterly 五力 evaluation report
(``quarterly``: HTML and PDF, written by ``findpark evaluate``). Reports import no web framework: the pages
and the CLI call them."""
