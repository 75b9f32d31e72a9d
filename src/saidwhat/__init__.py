"""saidwhat: who said what, and who stands where, in news text."""

from .extract import Extractor, extract
from .frame import to_frame
from .model import Document, Entity, Quote, Speaker, TextSpan

__all__ = ["Document", "Entity", "Extractor", "Quote", "Speaker", "TextSpan", "extract",
           "to_frame"]
__version__ = "0.1.0"
