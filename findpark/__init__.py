"""findpark 一键找园: park search and project-siting recommender.

Rooms: ``store`` (spatial store), ``ingest`` (loading outside data), ``databuild`` (bundled data),
``taxonomy`` (industries), ``geo`` (datums, measures, GeoJSON), ``web`` (Flask app), ``cli``.
"""
__version__ = "0.1.0"
