"""The default storage in an S3-compatible store, from environment variables (settings.py uses
it when KYOTSUKA_S3_BUCKET is set; the storage tests build theirs with it too)."""

from collections.abc import Mapping


def s3_storage(env: Mapping[str, str]) -> dict:
    """STORAGES["default"] for django-storages' S3 backend: AWS itself, or any S3-compatible
    service (MinIO, Ceph, a cloud's own) at KYOTSUKA_S3_ENDPOINT_URL. Without keys, boto3's own
    chain applies (AWS_ACCESS_KEY_ID …, an instance role). Objects stay private (the bucket's
    policy): the app serves every download after its permission checks."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env["KYOTSUKA_S3_BUCKET"],
            "endpoint_url": env.get("KYOTSUKA_S3_ENDPOINT_URL") or None,
            "region_name": env.get("KYOTSUKA_S3_REGION") or None,
            "access_key": env.get("KYOTSUKA_S3_ACCESS_KEY") or None,
            "secret_key": env.get("KYOTSUKA_S3_SECRET_KEY") or None,
            "location": env.get("KYOTSUKA_S3_PREFIX", ""),
            "addressing_style": env.get("KYOTSUKA_S3_ADDRESSING_STYLE") or None,
            "default_acl": None,
            "file_overwrite": False,
        },
    }
