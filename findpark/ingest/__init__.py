"""Getting outside data into the store: read files, tag and convert datums, validate, write all-or-nothing."""
from .load import load_files, LoadReport  # noqa: F401
