"""Write ``scoring/data/manifests/<name>.json`` from a folder holding a source's files.

    PYTHONPATH=. python scripts/make_manifest.py NAME --folder MIRROR/NAME \
        --title "…" --license "…" --citation "…" --origin "owner/repo@commit" \
        --url-base https://raw.githubusercontent.com/owner/repo/COMMIT/ \
        --map local/path=remote/path … --derived local/path …

Each file gets its sha256 and size; its URL is ``--url-base`` + its remote path (``--map``
renames, default: the same path), or none for ``--derived`` files (obtainable from a mirror only).
READMEs written by the mirror's keepers are not part of the source unless ``--keep`` names them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scoring.data.sources import MANIFESTS, file_sha256


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--license", required=True)
    parser.add_argument("--citation", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--url-base", default="")
    parser.add_argument("--map", nargs="*", default=[], help="local=remote path pairs")
    parser.add_argument("--derived", nargs="*", default=[], help="files with no origin URL")
    parser.add_argument("--keep", nargs="*", default=[], help="READMEs to keep")
    parser.add_argument("--exclude", nargs="*", default=[])
    args = parser.parse_args()
    remote = dict(pair.split("=", 1) for pair in args.map)
    files = []
    for path in sorted(p for p in args.folder.rglob("*") if p.is_file()):
        relative = path.relative_to(args.folder).as_posix()
        if _skipped(relative, args.keep, args.exclude):
            continue
        derived = relative in args.derived or not args.url_base
        url = None if derived else args.url_base + remote.get(relative, relative)
        files.append(
            {"path": relative, "sha256": file_sha256(path), "size": path.stat().st_size, "url": url}
        )
    manifest = {
        "name": args.name,
        "title": args.title,
        "license": args.license,
        "citation": args.citation,
        "origin": args.origin,
        "files": files,
    }
    out = MANIFESTS / f"{args.name}.json"
    out.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{out}: {len(files)} files, {sum(f['size'] for f in files):,} bytes")


def _skipped(relative: str, keep: list[str], exclude: list[str]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    if relative in exclude or name.startswith("."):
        return True
    return name.upper().startswith("README") and relative not in keep


if __name__ == "__main__":
    main()
