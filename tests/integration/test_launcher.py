"""The launcher's Kafka storage step, with the real StorageTool from the cached artifacts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "infra"))
import launcher

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("cluster_id", ["-NXmqsOPTZSGwRiuv7UqmQ", "NXmqsOPTZSGwRiuv7UqmQA"])
def test_storage_formats_with_any_generated_cluster_id(tmp_path, cluster_id):
    # base64url ids may start with "-"; one in 64 did, and broke a fresh start.
    config = tmp_path / "server.properties"
    config.write_text(
        "process.roles=broker,controller\nnode.id=1\n"
        "controller.quorum.voters=1@127.0.0.1:19093\n"
        "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093\n"
        "controller.listener.names=CONTROLLER\n"
        f"log.dirs={tmp_path / 'data'}\n"
    )
    launcher.format_kafka_storage(cluster_id, config)
    meta = (tmp_path / "data" / "meta.properties").read_text()
    assert f"cluster.id={cluster_id}" in meta
