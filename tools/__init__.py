"""Build and measurement tools that are not part of the installed package (run them from the checkout):
``python -m tools.webfont`` (the pages' CJK font subset) and ``tools.loadtest`` (the bounded load generator
benchmarks/api_load.py and tests/test_api_live.py use)."""
