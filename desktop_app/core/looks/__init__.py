"""Looks: outfits for an occasion, composed from the shop's stock, kept in a lookbook (migrations/0008)."""
