"""Uploaded files, handled as data and nothing else: saved under a random name in a staging folder outside the
web root (never under static/, never served, never executed or imported), size-limited while they stream in;
zip archives (a zipped Shapefile, an XLSX) checked before anything opens them: member count, total unpacked
size, compression ratio (zip bombs), absolute or ``..`` paths and symlinks (traversal), nested archives.
"""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
from pathlib import Path

ALLOWED = (".geojson", ".json", ".zip", ".gpkg", ".xlsx", ".csv")
IN_ZIP = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".geojson", ".json", ".gpkg", ".csv", ".xlsx")
MAX_UPLOAD = 64 * 1024 * 1024  # bytes per uploaded file (FINDPARK_MAX_UPLOAD)
MAX_MEMBERS = 200
MAX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed, per member


class UploadError(ValueError):
    """An upload refused before any reading; the message says why."""


def safe_name(filename: str) -> str:
    """The file's own name reduced to [A-Za-z0-9_.-] (the layer may be guessed from it); never a path."""
    base = re.split(r"[\\/]", filename or "")[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_.")[:60] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:8]
    return f"{stem}.{suffix}" if suffix else stem


def save_stream(stream, filename: str, folder: Path, *, max_bytes: int = MAX_UPLOAD) -> Path:
    """Copy an uploaded stream into ``folder`` under its safe name, refusing it past ``max_bytes``."""
    name = safe_name(filename)
    if Path(name).suffix.lower() not in ALLOWED:
        raise UploadError(f"{filename!r}: not a file type findpark reads (allowed: {', '.join(ALLOWED)})")
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    n = 0
    with open(dest, "wb") as out:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            n += len(chunk)
            if n > max_bytes:
                out.close()
                dest.unlink()
                raise UploadError(f"{filename!r} is larger than {max_bytes // (1024 * 1024)} MB")
            out.write(chunk)
    if n == 0:
        dest.unlink()
        raise UploadError(f"{filename!r} is empty")
    return dest


def check_zip(path: Path) -> list[zipfile.ZipInfo]:
    """The archive's members, or UploadError when it is not a sound archive of data files."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(f"{path.name}: not a readable zip archive ({exc})") from None
    with zf:
        infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UploadError(f"{path.name}: {len(infos)} members; at most {MAX_MEMBERS}")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in re.split(r"[\\/]", name):
            raise UploadError(f"{path.name}: member {name!r} points outside the archive")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadError(f"{path.name}: member {name!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise UploadError(f"{path.name}: member {name!r} is encrypted")
        total += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
            raise UploadError(f"{path.name}: member {name!r} unpacks {info.file_size // max(info.compress_size, 1)}"
                              f"× its packed size (a zip bomb?); at most {MAX_RATIO}×")
    if total > MAX_UNPACKED:
        raise UploadError(f"{path.name}: unpacks to {total // (1024 * 1024)} MB; at most "
                          f"{MAX_UNPACKED // (1024 * 1024)} MB")
    return infos


def unpack_zip(path: Path, folder: Path) -> list[Path]:
    """Unpack the data files of a checked archive flat into ``folder`` (safe names; sizes re-counted while
    copying, since a member's header may lie). Returns the files to read: each .shp (its .dbf/.prj/.cpg beside
    it) and every other data file; sidecars alone are not files to read."""
    infos = check_zip(path)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in infos:
            if info.is_dir() or "__MACOSX" in info.filename:
                continue
            name = safe_name(info.filename)
            suffix = Path(name).suffix.lower()
            if suffix == ".zip":
                raise UploadError(f"{path.name}: nested archive {info.filename!r}; unpack it first")
            if suffix not in IN_ZIP:
                continue
            dest = folder / name
            if dest.exists():
                raise UploadError(f"{path.name}: two members are named {name!r}")
            with zf.open(info) as src, open(dest, "wb") as out:
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > MAX_UNPACKED or total > MAX_RATIO * max(path.stat().st_size, 1) + 1024 * 1024:
                        out.close()
                        shutil.rmtree(folder, ignore_errors=True)
                        raise UploadError(f"{path.name}: unpacks to more than allowed (a zip bomb?)")
                    out.write(chunk)
            written.append(dest)
    sidecars = {".shx", ".dbf", ".prj", ".cpg"}
    shps = {p.with_suffix("").name.lower() for p in written if p.suffix.lower() == ".shp"}
    files = [p for p in written if p.suffix.lower() not in sidecars]
    for p in written:
        if p.suffix.lower() == ".dbf" and p.with_suffix("").name.lower() not in shps:
            files.append(p)  # a table without shapes is still reported (GDAL says what is missing)
    if not files:
        raise UploadError(f"{path.name}: no data file inside (expected .shp, .geojson, .gpkg, .csv or .xlsx)")
    for p in files:
        if p.suffix.lower() == ".shp" and not p.with_suffix(".dbf").exists():
            raise UploadError(f"{path.name}: {p.name} has no .dbf beside it")
    return sorted(files)


def expand(paths: list[Path], folder: Path) -> list[Path]:
    """Uploaded files → the files to read (archives unpacked into their own sub-folders)."""
    out: list[Path] = []
    for i, p in enumerate(paths):
        if p.suffix.lower() == ".zip":
            out += unpack_zip(p, folder / f"unzipped-{i}")
        else:
            out.append(p)
    return out
