"""The cluster's error messages go to stderr while a command holds the cluster: Ray's
driver prints them ("(raylet) A worker died or was killed …") from a background thread
to stdout, which corrupted ``periodize sweep --json`` once a worker had died."""

from __future__ import annotations

from ray._private import worker as ray_worker

from periodization.scale.cluster import connected

MESSAGE = {"lines": ["A worker died or was killed while executing a task"], "pid": "raylet",
           "is_err": False}


def test_a_cluster_error_printed_during_a_command_goes_to_stderr(ray_cluster, capfd):
    with connected(purpose="a test"):
        ray_worker.print_to_stdstream(MESSAGE, ignore_prefix=False)
    out, err = capfd.readouterr()
    assert "A worker died" not in out
    assert "A worker died" in err
    # outside the block Ray's own behaviour is back
    ray_worker.print_to_stdstream(MESSAGE, ignore_prefix=False)
    assert "A worker died" in capfd.readouterr().out
