"""What the JSON API and the pages both need, so that neither imports the other: the request's store and
its one read snapshot (``context``), problem details (``problems``), query/body parsing (``parsing``),
the session secret and CSRF tokens (``csrf``). The composition root (``findpark.app``) wires them in."""
from .context import get_store  # noqa: F401
