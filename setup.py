"""Build step: copy the report notebooks and the sample inputs into the wheel.

``notebooks/`` and ``sample_artifacts/inputs/`` at the repository root stay the only copies
in git; a built package carries them as ``stage5kit/_data/`` with the same relative layout,
so the notebooks' ``../sample_artifacts/inputs/...`` defaults resolve there too. An editable
install reads the checkout directly (``stage5kit.reporting.bundled``), so it is skipped here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# (folder in the repository, glob of the files shipped from it)
SHIPPED = (
    ("notebooks", "*.ipynb"),
    ("notebooks/expected_outputs", "*.json"),
    ("sample_artifacts/inputs", "*"),
)


class BuildWithData(build_py):
    """build_py that also copies the notebooks and sample inputs into ``stage5kit/_data``."""

    def run(self) -> None:
        """Build the package, then add the shipped data files beside it."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "stage5kit" / "_data"
        for folder, pattern in SHIPPED:
            for source in sorted((ROOT / folder).glob(pattern)):
                if source.is_file():
                    destination = target / folder / source.name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildWithData})
