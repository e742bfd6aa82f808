"""Frozen entry point of `fashion-assistant-gui` (the windowed executable in the bundle).

Same reason as cli_main.py: `freeze_support()` must run first so that a spawned child of the LLM
runtime runs its task instead of opening a second window.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop_app.ui.app import main

    sys.exit(main())
