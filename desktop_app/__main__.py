"""`python -m desktop_app` starts the GUI (or says how to install it)."""

import sys

from desktop_app.gui_launcher import main

sys.exit(main())
