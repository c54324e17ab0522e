"""carbonexpo: tells an exhibition whether it really was zero-carbon, and proves it."""

__version__ = "0.1.0"
