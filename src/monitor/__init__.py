"""District progress monitor."""
