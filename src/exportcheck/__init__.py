"""exportcheck: is a technology transfer out of China prohibited, licensed or free?"""

__version__ = "0.1.0"
