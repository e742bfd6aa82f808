"""Looks on paper and as images: what the shop hands a customer, drawn with Qt's painter for the CLI and the window alike."""
