"""The version, in a leaf module so that nothing needs to import the package face to read it."""

__version__ = "0.1.0"
