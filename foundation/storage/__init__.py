"""Files shared by the web and every worker: uploads, weights, artifacts, caches.

``storage_from_settings(settings)`` gives a ``Storage``: a local folder by default
(``VENTRAL_STORAGE_DIR``, a volume shared by all containers in production), or an S3-compatible
object store when ``VENTRAL_STORAGE_URL`` is set (``s3://bucket/prefix``, through fsspec + s3fs).
Every write is atomic: an object is either absent or complete, never half-written.
"""

from foundation.storage.base import (
    InvalidKeyError,
    ObjectNotFoundError,
    Storage,
    StorageError,
    StorageFullError,
    StorageUnavailableError,
    StoredObject,
    delete_prefix,
    put_file,
)
from foundation.storage.factory import objects_cache, shared_folder, storage_from_settings

__all__ = [
    "InvalidKeyError",
    "ObjectNotFoundError",
    "Storage",
    "StorageError",
    "StorageFullError",
    "StorageUnavailableError",
    "StoredObject",
    "delete_prefix",
    "objects_cache",
    "put_file",
    "shared_folder",
    "storage_from_settings",
]
