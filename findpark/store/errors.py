class StoreError(Exception):
    """The store cannot be opened or used."""


class LoadError(Exception):
    """Input rejected. ``problems`` lists every feature-level problem, each naming the feature."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems[:5]) + (f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""))
