"""storyline: news pages in, clean deduplicated articles and timelines out."""
__version__ = "0.1.0"
