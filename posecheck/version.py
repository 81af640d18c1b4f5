"""The version of posecheck (one place: the package, its reports and its CLI read it here)."""

__version__ = "0.2.0"
