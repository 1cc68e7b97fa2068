"""'Possibly the same cause': earlier causes that read like this one under another key.

Each cause occurrence becomes a TF-IDF vector of its words and its structure (features.py),
so that rare, distinctive terms weigh most. Occurrences are ranked in order of start time
through an inverted index of their heaviest terms (index.py); the best few are then given a
calibrated probability and a band (confidence.py) and named the terms they share as
evidence (evidence.py).
"""

from hindsite.similar.evidence import candidate_features, suggest
from hindsite.similar.features import TextFeatures, terms_of, text_features
from hindsite.similar.index import ranking_space

__all__ = ["TextFeatures", "candidate_features", "ranking_space", "suggest", "terms_of",
           "text_features"]
