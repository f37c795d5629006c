"""BlobStore on Cloud Storage (or the GCS emulator through STORAGE_EMULATOR_HOST)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from google.api_core import exceptions as gexc
from google.cloud import storage  # type: ignore[attr-defined]

from shortvideo.errors import MediaError


class GcsBlobStore:
    def __init__(self, client: storage.Client, bucket: str) -> None:
        self._client = client
        self.bucket = bucket
        self._bucket = client.bucket(bucket)

    def upload_file(self, name: str, path: Path, content_type: str) -> str:
        self._bucket.blob(name).upload_from_filename(str(path), content_type=content_type)
        return self.uri(name)

    def upload_bytes(self, name: str, data: bytes, content_type: str) -> str:
        self._bucket.blob(name).upload_from_string(data, content_type=content_type)
        return self.uri(name)

    def download_file(self, name: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._bucket.blob(name).download_to_filename(str(path))
        except gexc.NotFound as exc:
            raise MediaError(f"object {name} not found in {self.bucket}") from exc

    def download_bytes(self, name: str) -> bytes:
        try:
            data: bytes = self._bucket.blob(name).download_as_bytes()
        except gexc.NotFound as exc:
            raise MediaError(f"object {name} not found in {self.bucket}") from exc
        return data

    def exists(self, name: str) -> bool:
        return bool(self._bucket.blob(name).exists())

    def list_names(self, prefix: str) -> list[str]:
        return [blob.name for blob in self._client.list_blobs(self.bucket, prefix=prefix)]

    def copy(self, source: str, destination: str) -> str:
        self._bucket.copy_blob(self._bucket.blob(source), self._bucket, destination)
        return self.uri(destination)

    def delete(self, name: str) -> None:
        with contextlib.suppress(gexc.NotFound):  # already gone: a repeated account deletion
            self._bucket.blob(name).delete()

    def size(self, name: str) -> int | None:
        blob = self._bucket.get_blob(name)
        return None if blob is None else int(blob.size or 0)

    def download_range(self, name: str, start: int, end: int) -> bytes:
        try:
            data: bytes = self._bucket.blob(name).download_as_bytes(start=start, end=end)
        except gexc.NotFound as exc:
            raise MediaError(f"object {name} not found in {self.bucket}") from exc
        return data

    def uri(self, name: str) -> str:
        return f"gs://{self.bucket}/{name}"

    def url(self, name: str) -> str:
        host = os.environ.get("STORAGE_EMULATOR_HOST")
        base = host.rstrip("/") if host else "https://storage.googleapis.com"
        return f"{base}/{self.bucket}/{name}"

    def name_from_uri(self, uri: str) -> str:
        prefix = f"gs://{self.bucket}/"
        if not uri.startswith(prefix):
            raise MediaError(f"{uri} is not in bucket {self.bucket}")
        return uri[len(prefix) :]
