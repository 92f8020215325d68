"""Figures, notebook execution, HTML/PDF rendering, report signing and batch runs."""

from __future__ import annotations

__all__: list[str] = []
