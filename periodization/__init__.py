"""periodization: an adaptive training coach learned in a simulated athlete world.

Importing the package registers the Gymnasium environment ``Periodization-v1``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from periodization.env import ENV_ID

__all__ = ["ENV_ID", "__version__"]
