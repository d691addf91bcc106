"""Issue 13 point 5: extraction on a Dask cluster gives the graph a local build gives, byte for byte."""

from __future__ import annotations

import warnings

import pytest
from conftest import ROOT

import kg
from kg.errors import KgError
from kg.export import to_graphml

distributed = pytest.importorskip("distributed")
SMALL = ROOT / "tests" / "fixtures" / "small"


def _extractors_on_workers() -> int:
    import kg.engine

    return len(kg.engine._extractors)


def test_issue_13_the_dask_engine_gives_the_local_graph():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = kg.build([SMALL], outdir=None)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
            on_dask = kg.build([SMALL], outdir=None, dask=True, scheduler=cluster.scheduler_address)
            with distributed.Client(cluster) as client:
                per_worker = client.run(_extractors_on_workers)
    assert to_graphml(on_dask.graph) == to_graphml(local.graph)
    assert sorted(per_worker.values()) == [1, 1]  # both workers extracted, each with one model loaded once


def test_an_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(KgError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9 .*is it running\?"):
        kg.build([SMALL], outdir=None, dask=True, scheduler="tcp://127.0.0.1:9")
