"""Frozen entry point of `fashion-assistant-gui` (the windowed executable in the bundle).

Same reason as cli_main.py: `freeze_support()` must run first so that a spawned child of the LLM
runtime runs its task instead of opening a second window. Then the same launcher as a source
install's: on Linux it checks that the libraries of Qt's X11 plugin load, and says which are missing
in a notification as well as on stderr, before Qt would abort.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop_app.gui_launcher import main

    sys.exit(main())
