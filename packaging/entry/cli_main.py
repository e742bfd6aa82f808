"""Frozen entry point of `fashion-assistant` (the CLI executable in the bundle).

The console script that pip generates cannot be frozen as is, and the bundle needs one thing the
source tree does not: `freeze_support()` before anything else, because the LLM runtime probes
doubtful GGUF files in a *spawned* child, and in a frozen app that child is this same executable.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop_app.cli import main

    sys.exit(main())
