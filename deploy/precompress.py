"""Write ``FILE.gz`` beside each compressible file of Streamlit's frontend, for nginx's ``gzip_static``.

``python deploy/precompress.py [DIR] [--file FILE ...]`` (default: the installed Streamlit's ``static`` directory and
the installed plotly's ``plotly.min.js``, the live charts' script). Run once at
image build time: nginx then sends the compressed bytes straight from disk (with a Content-Length, no CPU per
request), instead of compressing the 4.7 MB Plotly bundle again for every phone in the room.

Level 9 and no timestamp, so the same Streamlit gives the same files. A ``.gz`` is written only where it
saves at least 10 % (fonts and images are compressed already). Prints the totals.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from render_nginx import plotly_js_file, streamlit_static_dir  # beside this file

__all__ = ["COMPRESSIBLE", "precompress", "precompress_file"]

COMPRESSIBLE = {
    ".js",
    ".mjs",
    ".css",
    ".json",
    ".map",
    ".svg",
    ".html",
    ".txt",
    ".wasm",
    ".ttf",
    ".otf",
    ".eot",
    ".xml",
    ".csv",
}
MIN_BYTES = 1024
MAX_RATIO = 0.9


def precompress_file(path: Path) -> tuple[int, int]:
    """Write ``path.gz`` if worth it; (raw bytes, bytes sent with gzip_static)."""
    raw = path.read_bytes()
    gz_path = path.with_name(path.name + ".gz")
    if len(raw) < MIN_BYTES:
        return len(raw), len(raw)
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    if len(packed) > MAX_RATIO * len(raw):
        gz_path.unlink(missing_ok=True)
        return len(raw), len(raw)
    tmp = gz_path.with_name(gz_path.name + ".tmp")
    tmp.write_bytes(packed)
    tmp.chmod(path.stat().st_mode & 0o777)
    tmp.replace(gz_path)
    return len(raw), len(packed)


def precompress(directory: Path, workers: int = 2) -> tuple[int, int, int]:
    """Pre-compress every compressible file under ``directory``; (files written, raw bytes, sent bytes)."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in COMPRESSIBLE)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # zlib releases the GIL
        sizes = list(pool.map(precompress_file, files))
    written = sum(1 for f in files if f.with_name(f.name + ".gz").exists())
    return written, sum(r for r, _ in sizes), sum(s for _, s in sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, help="default: the installed Streamlit's static/")
    parser.add_argument(
        "--file", type=Path, action="append", default=None, help="a single file (default: the installed plotly.min.js)"
    )
    args = parser.parse_args(argv)
    if args.directory is None and args.file is None:  # the image build: both of the installed packages'
        args.directory, args.file = streamlit_static_dir(), [plotly_js_file()]
    if args.directory is not None:
        directory = args.directory
        if not (directory / "index.html").is_file():
            raise SystemExit(f"precompress: {directory} is not Streamlit's frontend directory (no index.html)")
        written, raw, sent = precompress(directory)
        print(
            f"precompress: {written} .gz files in {directory}; compressible files {raw / 1e6:.1f} MB -> "
            f"{sent / 1e6:.1f} MB with gzip_static ({sent / raw:.0%})"
        )
    for path in args.file or []:
        if not path.is_file():
            raise SystemExit(f"precompress: no file {path}")
        raw_bytes, sent_bytes = precompress_file(path)
        print(f"precompress: {path} {raw_bytes / 1e6:.1f} MB -> {sent_bytes / 1e6:.1f} MB with gzip_static")
    return 0


if __name__ == "__main__":
    sys.exit(main())
