"""Alliance Lens: watch therapy videos with time-synced commentary on alliance ruptures."""

__version__ = "0.1.0"
