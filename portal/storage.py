"""Where uploads live: local disk by default, an S3-compatible bucket when ``STORAGE_URL`` is set.

``portal/settings.py`` reads the environment and calls ``storage_from_url``; nothing else here
touches it. The bucket is private: objects are written with the ``private`` ACL and the portal
never renders a bucket URL. Every upload (logos, posters, meeting materials, grant attachments)
is streamed through its app's permission-checked view (``fieldfile.open("rb")`` in a
``FileResponse``), so the same checks apply on both backends.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


class StorageURLError(ValueError):
    pass


def storage_from_url(url: str, *, region="us-east-1", prefix="media") -> dict:
    """The ``STORAGES["default"]`` entry for ``url`` (empty: local disk).

    ``s3+https://KEY:SECRET@host[:port]/bucket`` (``s3+http://`` for MinIO on an internal
    network; ``s3://KEY:SECRET@/bucket`` for AWS, with ``region``).
    """
    if not url:
        return dict(LOCAL)
    parts = urlsplit(url)
    bucket = parts.path.strip("/")
    if parts.scheme not in {"s3", "s3+http", "s3+https"} or not bucket or "/" in bucket:
        raise StorageURLError("STORAGE_URL must look like s3+https://KEY:SECRET@host[:port]/bucket")
    endpoint = None
    if parts.scheme != "s3":
        if not parts.hostname:
            raise StorageURLError("STORAGE_URL needs the storage server's host for s3+http(s)://")
        endpoint = f"{parts.scheme.removeprefix('s3+')}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": unquote(parts.username or "") or None,
            "secret_key": unquote(parts.password or "") or None,
            "region_name": region,
            "addressing_style": "path",
            "default_acl": "private",
            "querystring_auth": True,  # a URL, if ever made (the admin's file links), is signed
            "querystring_expire": 60,
            "file_overwrite": False,
            "location": prefix,
        },
    }
