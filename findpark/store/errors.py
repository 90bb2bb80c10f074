"""The store's own error types: no driver exception (sqlite3, psycopg, sqlite-utils …) leaves ``findpark.store``.

    StoreError                 the store cannot be opened or used (bad URL, unreadable file, driver failure)
    ├── IntegrityError         a write breaks a constraint (a required value missing, …); nothing was written
    │   └── DuplicateKeyError  a record with that key already exists (e.g. an inquiry id); nothing was written
    LoadError                  input rejected before anything is written (not a store failure)
"""


class StoreError(Exception):
    """The store cannot be opened or used."""


class IntegrityError(StoreError):
    """A write broke a constraint of the store (NOT NULL, UNIQUE, …). The transaction was rolled back."""


class DuplicateKeyError(IntegrityError):
    """A record with that key already exists. The transaction was rolled back."""


class LoadError(Exception):
    """Input rejected. ``problems`` lists every feature-level problem, each naming the feature."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems[:5]) + (f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""))
