"""cxtui: the terminal dashboard contact-centre supervisors reach for first."""

__version__ = "0.1.0"
