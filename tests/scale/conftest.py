"""One real local Ray cluster (2 CPUs) for the whole test session, and tiny run configs."""

from __future__ import annotations

import pytest

from periodization.training.config import dump_config
from tests.training.conftest import cohort_dir, tiny_config  # noqa: F401 - a fixture

ray = pytest.importorskip("ray")


@pytest.fixture(scope="session")
def ray_cluster():
    """``ray.init(num_cpus=2)``: every ``periodization.scale`` call in the session joins it
    (``cluster.connected`` uses a Ray already initialised)."""
    from periodization.scale.cluster import OBJECT_STORE_BYTES

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=OBJECT_STORE_BYTES)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def tiny_config_file(tmp_path_factory, cohort_dir):  # noqa: F811 - the fixture above
    """A 4-episode SAC config on the small cohort, as a file (a few seconds a run)."""
    path = tmp_path_factory.mktemp("configs") / "tiny.yaml"
    path.write_text(dump_config(tiny_config(cohort_dir)))
    return path
