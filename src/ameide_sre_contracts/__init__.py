"""Typed helpers over the Ameide SRE v1 contract (`ameide_core_proto.sre`)."""

from importlib.metadata import version as _version

__version__ = _version("ameide-sre-contracts")
