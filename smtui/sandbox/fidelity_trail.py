"""Fidelity patch module (to be filled)."""


def apply() -> None:
    pass
