"""A real S3-compatible server on loopback for the storage tests: moto's server mode (HTTP,
signatures, buckets; no cloud account), and the storage settings exactly as config/settings.py
makes them from the environment (config.storage.s3_storage)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from config.storage import s3_storage


@dataclass
class S3Server:
    env: dict[str, str]
    server: ThreadedMotoServer
    client: object = field(init=False)

    def __post_init__(self) -> None:
        self.client = boto3.client(
            "s3",
            endpoint_url=self.env["KYOTSUKA_S3_ENDPOINT_URL"],
            region_name=self.env["KYOTSUKA_S3_REGION"],
            aws_access_key_id=self.env["KYOTSUKA_S3_ACCESS_KEY"],
            aws_secret_access_key=self.env["KYOTSUKA_S3_SECRET_KEY"],
        )

    @property
    def bucket(self) -> str:
        return self.env["KYOTSUKA_S3_BUCKET"]

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)  # type: ignore[attr-defined]
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        got = self.client.get_object(Bucket=self.bucket, Key=key)  # type: ignore[attr-defined]
        return got["Body"].read()


def start_s3_server() -> S3Server:
    """An S3 server on a free loopback port holding one empty bucket, and the environment that
    points the product at it (what an operator sets: docs/operations.md). Moto keeps its
    buckets per process, not per server: each server gets a bucket of its own."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    s3 = S3Server(
        env={
            "KYOTSUKA_S3_BUCKET": f"kyotsuka-test-{secrets.token_hex(4)}",
            "KYOTSUKA_S3_ENDPOINT_URL": f"http://{host}:{port}",
            "KYOTSUKA_S3_REGION": "ap-northeast-1",
            "KYOTSUKA_S3_ACCESS_KEY": "test-access-key",
            "KYOTSUKA_S3_SECRET_KEY": "test-secret-key",
        },
        server=server,
    )
    s3.client.create_bucket(  # type: ignore[attr-defined]
        Bucket=s3.bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    return s3


@pytest.fixture
def s3(settings, tmp_path) -> Iterator[S3Server]:
    """The default storage in the S3 server for this test; the local media folder must stay
    empty (nothing may go to a disk another machine cannot read)."""
    server = start_s3_server()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(server.env)}
    try:
        yield server
    finally:
        server.server.stop()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*")), list(media.rglob("*"))
