"""The wheel as a user installs it: metadata, shipped files, and a base install without the
extras that serves advice and names the extra a command needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "ingest" / "importers" / "good" / "whoop"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (path,) = out.glob("periodization-*.whl")
    return path


def test_the_wheel_carries_license_metadata_configs_and_the_model(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode())
    assert meta["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "Programming Language :: Python :: 3.11" in meta.get_all("Classifier")
    for shipped in ("periodization/configs/sac.yaml", "periodization/configs/ppo.yaml",
                    "periodization/configs/ablations/ablation-v2.yaml",
                    "periodization/sim/prior.yaml", "periodization/models/default/actor.npz",
                    "periodization/sim/populations/masters.yaml",
                    "periodization/configs/sac-wide.yaml",
                    "_periodize.py"):
        assert shipped in names, shipped
    requires = " ".join(meta.get_all("Requires-Dist"))
    base = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert not any(r.split()[0].split(">")[0] in ("torch", "tensorboard", "matplotlib")
                   for r in base)
    for extra in ("train", "report", "ppo", "all"):
        assert f'extra == "{extra}"' in requires


@pytest.mark.slow
def test_a_base_install_recommends_without_torch(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python, periodize = env_dir / "bin" / "python", env_dir / "bin" / "periodize"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PERIODIZATION_CACHE"] = str(tmp_path / "cache")
    absent = subprocess.run([str(python), "-c", "import torch"], capture_output=True, env=env)
    assert absent.returncode != 0  # the base install has no torch …
    for module in ("tensorboard", "matplotlib"):
        assert subprocess.run([str(python), "-c", f"import {module}"], capture_output=True,
                              env=env).returncode != 0, module
    advice = subprocess.run([str(periodize), "recommend", "--data", str(SAMPLE), "--json"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert advice.returncode == 0, advice.stderr[-2000:]  # … and still advises
    assert json.loads(advice.stdout)["action"]
    train = subprocess.run([str(periodize), "train", "--config", "sac", "--out",
                            str(tmp_path / "run")], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=300)
    assert train.returncode == 2
    assert train.stderr == "error: training needs torch: pip install 'periodization[train]'\n"
