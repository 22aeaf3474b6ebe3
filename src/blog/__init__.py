"""blog: a Hugo-style static blog generator."""

__version__ = "0.1.0"
