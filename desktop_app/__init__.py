"""Offline fashion assistant: index product photos with BLIP-2, search them, and get advice from a local Gemma."""

APP_NAME = "fashion-assistant"
APP_DISPLAY_NAME = "Fashion Assistant"
APP_AUTHOR = "fashion-assistant"
__version__ = "0.1.0"
