"""Make ``python -m stage5kit`` behave like the ``stage5kit`` command."""

from stage5kit.cli import main

main()
