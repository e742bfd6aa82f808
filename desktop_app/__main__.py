"""`python -m desktop_app` starts the GUI."""

import sys

from desktop_app.ui.app import main

sys.exit(main())
