"""A course package's files, read from a folder or a zip with bounds: how many files, how
many bytes in all, safe relative paths only, and no zip that expands far beyond its size."""

import hashlib
import io
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from courses.selectors.packages import MANIFEST
from lms.errors import ApplicationError

# The flagship course is about 60 files and 1 MB; a course with many images stays well inside.
PACKAGE_MAX_FILES = 500
PACKAGE_MAX_BYTES = 50 * 1024 * 1024
# A deflated text file shrinks to a fifth or so; a file that shrank to a hundredth is a bomb.
ZIP_MAX_RATIO = 100


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, code="package_invalid", details={"package": [message]})


def safe_path(name: str) -> str:
    """A path inside the package, as "a/b.md"; absolute paths, `..`, drive letters and
    backslashes are refused."""
    if "\\" in name or "\0" in name:
        raise _refuse(f"“{name}”: a path in a package uses “/” only.")
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise _refuse(f"“{name}”: a path in a package is relative and stays inside it.")
    if any(":" in part for part in path.parts):
        raise _refuse(f"“{name}”: a path in a package has no “:”.")
    return str(path)


def _without_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip of the folder itself (`leadership-in-medicine/course.yaml`) read as the folder."""
    if MANIFEST in files or not files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        top = tops.pop()
        return {name[len(top) + 1 :]: data for name, data in files.items()}
    return files


def _check_totals(count: int, size: int) -> None:
    if count > PACKAGE_MAX_FILES:
        raise _refuse(f"A package holds at most {PACKAGE_MAX_FILES} files (this has {count}).")
    if size > PACKAGE_MAX_BYTES:
        raise _refuse(f"A package is at most {PACKAGE_MAX_BYTES // (1024 * 1024)} MB unpacked.")


def read_zip(data: bytes) -> dict[str, bytes]:
    """The files of a zipped package by their paths, checked before any is unpacked."""
    if len(data) > PACKAGE_MAX_BYTES:
        raise _refuse(f"A package is at most {PACKAGE_MAX_BYTES // (1024 * 1024)} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise _refuse("The file is not a zip archive.") from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        _check_totals(len(entries), sum(info.file_size for info in entries))
        files: dict[str, bytes] = {}
        for info in entries:
            name = safe_path(info.filename)
            if info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1024):
                raise _refuse(f"“{name}” expands far beyond its packed size: refused.")
            try:
                with archive.open(info) as member:
                    # Read no more than the entry claims: a lying header cannot blow up memory.
                    content = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError):
                raise _refuse(f"“{name}” cannot be unpacked.") from None
            if len(content) != info.file_size:
                raise _refuse(f"“{name}” is not the size the archive states.")
            files[name] = content
    return _without_top_folder(files)


def read_folder(root: Path) -> dict[str, bytes]:
    """The files of a package folder by their paths; symbolic links are refused."""
    if not root.is_dir():
        raise _refuse(f"{root} is not a folder.")
    paths = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            raise _refuse(f"“{path.relative_to(root)}” is a symbolic link: packages hold files.")
        if path.is_file() and not any(
            part.startswith(".") for part in path.relative_to(root).parts
        ):
            paths.append(path)
    _check_totals(len(paths), sum(path.stat().st_size for path in paths))
    return {safe_path(path.relative_to(root).as_posix()): path.read_bytes() for path in paths}


def read_package(path: Path) -> dict[str, bytes]:
    """A package from a folder or a .zip file."""
    if path.is_dir():
        return read_folder(path)
    if not path.is_file():
        raise _refuse(f"{path} is neither a package folder nor a zip file.")
    if path.stat().st_size > PACKAGE_MAX_BYTES:
        raise _refuse(f"A package is at most {PACKAGE_MAX_BYTES // (1024 * 1024)} MB.")
    return read_zip(path.read_bytes())


def write_zip(files: dict[str, bytes]) -> bytes:
    """The package's files as one zip archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return out.getvalue()


# --- an uploaded package between its preview and its confirm ----------------------------------
# The zip is kept in storage under a random name; the page carries only a signed token naming
# it, its owner and its hash, so the confirm loads exactly the file that was previewed, and
# only for the person who uploaded it.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_DIR = "package-uploads"
UPLOAD_SALT = "courses.package_upload"
UPLOAD_MAX_AGE = 24 * 60 * 60  # seconds: longer than any review of a preview


def upload_keep(*, user_id: int, data: bytes) -> str:
    """Store the uploaded zip for its confirm; the token the preview page carries."""
    if len(data) > UPLOAD_MAX_BYTES:
        raise _refuse(f"Upload a zip of at most {UPLOAD_MAX_BYTES // (1024 * 1024)} MB.")
    _forget_old_uploads()
    name = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.zip", ContentFile(data))
    digest = hashlib.sha256(data).hexdigest()
    return signing.dumps({"user": user_id, "name": name, "sha256": digest}, salt=UPLOAD_SALT)


def upload_take(*, user_id: int, token: str) -> bytes | None:
    """The previewed zip, removed from storage; None when the token is not this user's,
    too old, or its file gone or changed."""
    try:
        sent = signing.loads(token, salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(sent, dict) or sent.get("user") != user_id:
        return None
    name = str(sent.get("name", ""))
    if not name.startswith(f"{UPLOAD_DIR}/") or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        data: bytes = stored.read(UPLOAD_MAX_BYTES + 1)
    default_storage.delete(name)
    if hashlib.sha256(data).hexdigest() != sent.get("sha256"):
        return None
    return data


def _forget_old_uploads() -> None:
    """Uploads previewed and never confirmed go once their token could no longer be used."""
    try:
        _, names = default_storage.listdir(UPLOAD_DIR)
    except (FileNotFoundError, NotImplementedError):
        # No upload folder yet, or a storage that cannot list (Django's Storage.listdir raises
        # NotImplementedError there): nothing to forget; each upload's token still expires.
        return
    cutoff = timezone.now() - timedelta(seconds=UPLOAD_MAX_AGE)
    for name in names:
        path = f"{UPLOAD_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
