"""Extraction beyond one machine: documents extracted as a map over partitions on a Dask cluster.

Extraction of a document is a pure function of (document, vocabulary, extraction settings), so it can run anywhere:
each partition of documents goes to a worker, which builds one ``Extractor`` per vocabulary and settings and keeps
it for the partitions that follow; the records come back in document order, so the graph is the one a local build
makes, byte for byte. Reading, counting and the graph stay on the machine that runs ``kg build``.

A worker needs what ``kg build`` needs: Python 3.11 and ``pip install '.[dask]'`` in a checkout of kg (which brings
spaCy, its model and Dask). Without ``scheduler`` a ``LocalCluster`` of two worker processes is started and stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import KgError

if TYPE_CHECKING:
    from .config import ExtractionSettings
    from .corpus import Document
    from .records import Extraction
    from .vocab import Vocabulary

__all__ = ["extract_on_dask"]

_extractors: dict[tuple[str, str], Any] = {}  # on each worker: one Extractor per vocabulary and settings


def _extract_partition(
    documents: Sequence[Document], vocabulary: Vocabulary, settings: ExtractionSettings
) -> list[Extraction]:
    from .extract import Extractor

    key = (vocabulary.digest(), settings.key())
    if key not in _extractors:
        _extractors[key] = Extractor(vocabulary, settings)
    return list(_extractors[key].extract_all(documents))


def extract_on_dask(
    documents: Sequence[Document],
    vocabulary: Vocabulary,
    settings: ExtractionSettings,
    *,
    scheduler: str | None = None,
    partition: int | None = None,
    workers: int = 2,
) -> Iterator[Extraction]:
    """The extraction of each document, in order, computed on the Dask cluster at ``scheduler`` (an address such
    as ``tcp://10.0.0.5:8786``) or on a local one of ``workers`` processes. ``partition`` documents go in one task
    (by default about four tasks per worker, at most 32 documents each). No document, no cluster.

    Raises
    ------
    KgError
        Dask is not installed, or the scheduler cannot be reached.
    """
    if not documents:
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise KgError("--engine dask needs Dask: pip install '.[dask]' in kg's folder") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise KgError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); is it running?") from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = partition or max(1, min(32, -(-len(documents) // (4 * n_workers))))
        parts = [list(documents[i : i + size]) for i in range(0, len(documents), size)]
        [shared] = client.scatter([vocabulary], broadcast=True)
        futures = client.map(_extract_partition, parts, vocabulary=shared, settings=settings, pure=False)
        for future in futures:  # in order, whatever order they finish in
            yield from future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
