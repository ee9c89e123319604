"""Attachment tests run on both storages: a directory, and S3 served by a real S3-compatible
server (moto's standalone server, on loopback, started here once per run)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from moto.server import ThreadedMotoServer

from taskflow.config import Settings
from taskflow.core.storage import Storage, storage_for

S3_KEY_ID = "testing"
S3_SECRET = "testing-secret"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def make_bucket(endpoint: str) -> str:
    bucket = f"taskflow-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY_ID,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    return bucket


def s3_settings(endpoint: str, bucket: str) -> dict[str, object]:
    return {
        "storage_url": f"s3://{bucket}/files",
        "s3_endpoint_url": endpoint,
        "aws_access_key_id": S3_KEY_ID,
        "aws_secret_access_key": S3_SECRET,
        "aws_region": "us-east-1",
    }


@pytest.fixture(params=["directory", "s3"])
def storage_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def settings_overrides(
    storage_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> dict[str, Any]:
    if storage_kind == "directory":
        return {"storage_dir": tmp_path / "stored"}
    endpoint: str = request.getfixturevalue("s3_endpoint")
    return s3_settings(endpoint, make_bucket(endpoint))


@pytest.fixture
def storage(settings: Settings) -> Storage:
    return storage_for(settings)
