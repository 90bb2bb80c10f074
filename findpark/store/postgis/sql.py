"""SQL pieces shared by the PostGIS store's parts: value encoding and the protocol's ``where``."""
from __future__ import annotations

from psycopg.types.json import Jsonb

from ..base import Range
from .ddl import q


def encode(type_: str, value):
    if value is None:
        return None
    if type_ == "list":
        return Jsonb(list(value))
    if type_ == "bool":
        return bool(value)
    return value


def decode(type_: str, value):
    if type_ == "list":
        return [] if value is None else list(value)
    if type_ == "bool" and value is not None:
        return bool(value)
    return value


def where_sql(types: dict, where: dict | None, owner: str, prefix: str = "") -> tuple[list[str], list]:
    """Clauses and parameters for the protocol's ``where`` (equality, membership, Range, None = NULL).
    ``types`` maps column → type; an unknown column raises KeyError naming ``owner``."""
    clauses, params = [], []
    for key, value in (where or {}).items():
        if key not in types:
            raise KeyError(f"{owner} has no field {key!r}")
        col = prefix + q(key)
        if isinstance(value, Range):
            if value.min is not None:
                clauses.append(f"{col} >= %s")
                params.append(value.min)
            if value.max is not None:
                clauses.append(f"{col} <= %s")
                params.append(value.max)
        elif isinstance(value, (list, tuple, set, frozenset)):
            values = [encode(types[key], v) for v in value]
            if not values:
                clauses.append("false")
            else:
                clauses.append(f"{col} IN ({', '.join(['%s'] * len(values))})")
                params.extend(values)
        elif value is None:
            clauses.append(f"{col} IS NULL")
        else:
            clauses.append(f"{col} = %s")
            params.append(encode(types[key], value))
    return clauses, params
