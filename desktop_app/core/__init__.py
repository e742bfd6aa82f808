"""The headless core: everything the app does, with no Qt, so the CLI, the GUI and tests share it."""
