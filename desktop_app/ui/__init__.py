"""The PySide6 front end: thin views over `desktop_app.core`, with all heavy work in `ui.workers`."""
