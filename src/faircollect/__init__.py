"""faircollect: loan servicing and collections, lawful by construction."""

__version__ = "0.1.0"
