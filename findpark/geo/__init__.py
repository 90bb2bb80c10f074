"""Geometry helpers: datums (WGS84/GCJ-02/BD-09), geodesic measures, RFC 7946 output."""
