import sys
from pathlib import Path

import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag

# The data-set generator is a plain package beside the data (datasets/generator/), not part of labkit:
# tests import it as `datasets.generator` from the repository root.
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
