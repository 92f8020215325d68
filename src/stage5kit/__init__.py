"""stage5kit: TCO analytics, stress tests and signed reports for Stage5 trading-bot operators.

Importing the package is cheap; the layers (``stage5kit.core``, ``stage5kit.signing``,
``stage5kit.reporting``) load their heavy dependencies when first used.
"""

from __future__ import annotations

from importlib.metadata import version as _distribution_version

__version__ = _distribution_version("stage5kit")

__all__ = ["__version__"]
