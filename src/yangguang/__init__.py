"""Yangguang (阳光): administrative e-supervision and government transparency platform."""

__version__ = "0.1.0"
