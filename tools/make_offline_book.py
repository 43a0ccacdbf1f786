"""Make a copy of the built HTML book that needs no network at all.

Sphinx's ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` could point a build's pages at
local copies, but only at files that something must first put inside that build, and only for
a build made with those settings; this script makes any built book offline afterwards, copying
only the scripts its pages load.

The book typesets its math as MathML when it is built and shows its explorers with a small
script of its own, so its pages load no script from a CDN and the copy is the book as built.
A page that does load one of the CDN scripts below (MathJax 3, require.js 2.3.4,
@jupyter-widgets/html-manager 1.0.6: a book built with ``html_math_renderer: mathjax``, a
notebook saved with widget state, an older build) gets it from the copy's ``_vendor/``
folder, filled from the npm packages of ``js/`` (``npm ci --prefix js``) with the packages
the pages load and no others. ``_vendor/`` sits next to ``_static/`` rather than inside it,
because Sphinx links every file of ``_static`` into every page.

The copy is assembled in a temporary folder beside OUTPUT and renamed into place only when it
is complete. An existing OUTPUT is replaced only if this script made it (it holds the stamp
file ``.made-by-make_offline_book``) or it is an empty folder; anything else (the built book,
a folder holding it, a folder inside or holding the npm packages, a repository, a symbolic
link, a folder of other files) is refused before anything is written. Nothing outside the
copy is written: a page of the book that is a symbolic link becomes a file of the copy (its
target is only read), and the pages of a linked folder are left as they are.

Serve the result from a local web server (``python -m http.server --directory
_build/html-offline``): browsers refuse to load MathJax's fonts from ``file://`` pages.

Usage: python tools/make_offline_book.py [BUILT_HTML] [OUTPUT]
(defaults: _build/html and _build/html-offline)
Exit status: 0 on success, 2 when a prerequisite is missing or OUTPUT is refused.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "js" / "node_modules"
NPM_INSTALL = "npm ci --prefix js"
VENDOR = "_vendor"
STAMP = ".made-by-make_offline_book"
STAMP_TEXT = "This folder was made by tools/make_offline_book.py; the next run replaces it whole.\n"

# (CDN address prefix, package folder in node_modules, files of it to copy, local replacement
# of the prefix relative to _vendor/)
SCRIPTS = (
    (
        "https://cdn.jsdelivr.net/npm/mathjax@3/es5/",
        "mathjax",
        ("es5",),
        "mathjax/es5/",
    ),
    (
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js",
        "requirejs",
        ("require.js",),
        "requirejs/require.js",
    ),
    (
        "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/",
        "@jupyter-widgets/html-manager",
        ("dist/embed-amd.js",),
        "@jupyter-widgets/html-manager/dist/",
    ),
)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
INTEGRITY = re.compile(r"""\s+(integrity|crossorigin)\s*=\s*["'][^"']*["']""", re.IGNORECASE)


class OfflineBookError(Exception):
    """A missing prerequisite or an OUTPUT this script must not replace."""


def loaded_packages(built: Path) -> list[str]:
    """The npm packages of :data:`SCRIPTS` whose CDN address a page of ``built`` loads."""
    loaded: set[str] = set()
    pages, _ = _pages(built)
    for page in pages:
        if not page.is_file():
            continue
        tags = SCRIPT_TAG.findall(page.read_text(encoding="utf-8"))
        loaded.update(
            package for prefix, package, _, _ in SCRIPTS if any(prefix in tag for tag in tags)
        )
    return [package for _, package, _, _ in SCRIPTS if package in loaded]


def vendor_files(
    node_modules: Path = NODE_MODULES, packages: list[str] | None = None
) -> list[tuple[Path, Path]]:
    """Return (source, path under ``_vendor/``) for every script file the pages need.

    ``packages`` names the npm packages to copy (default: every package of :data:`SCRIPTS`).
    Raises OfflineBookError naming the npm command when a package or a file is missing.
    """
    files: list[tuple[Path, Path]] = []
    for _, package, patterns, _ in SCRIPTS:
        if packages is not None and package not in packages:
            continue
        source = node_modules / package
        if not (source / "package.json").is_file():
            raise OfflineBookError(
                f"the npm package {package} is not installed in {node_modules}. "
                f"Install the packages with `{NPM_INSTALL}` (or `make book-offline`) and run "
                f"this again."
            )
        for pattern in patterns:
            matches = sorted(source.glob(pattern))
            if not matches:
                raise OfflineBookError(
                    f"the npm package {package} in {node_modules} has no {pattern}: it is not "
                    f"the pinned version. Reinstall with `{NPM_INSTALL}`."
                )
            for path in matches:
                files.append((path, Path(package) / path.relative_to(source)))
    return files


def check_output(built: Path, output: Path, node_modules: Path = NODE_MODULES) -> bool:
    """Refuse an OUTPUT that replacing could destroy; return True if it exists (made by us).

    Raises OfflineBookError when OUTPUT is a symbolic link, the built book, a folder that
    holds it or lies inside it, inside the npm packages or a folder that holds them, a git
    repository, a file, or a non-empty folder without this script's stamp file.
    """
    fix = "Give a new folder (the default is _build/html-offline)."
    if output.is_symlink():
        raise OfflineBookError(
            f"OUTPUT {output} is a symbolic link (to {output.resolve()}); replacing it would "
            f"empty its target. {fix}"
        )
    target, book, modules = output.resolve(), built.resolve(), node_modules.resolve()
    if target == book or target in book.parents:
        raise OfflineBookError(
            f"OUTPUT {output} is the built book {built} or a folder that holds it; replacing "
            f"it would delete the book. {fix}"
        )
    if target == Path.cwd().resolve():
        raise OfflineBookError(f"OUTPUT {output} is the current folder. {fix}")
    if book in target.parents:
        raise OfflineBookError(f"OUTPUT {output} is inside the built book {built}. {fix}")
    if target == modules or modules in target.parents:
        raise OfflineBookError(
            f"OUTPUT {output} is inside the npm packages {node_modules}: a package copied into "
            f"a folder inside itself would copy that copy again, without end (and "
            f"`{NPM_INSTALL}` empties the folder). {fix}"
        )
    if target in modules.parents:
        raise OfflineBookError(
            f"OUTPUT {output} holds the npm packages {node_modules}; replacing it would delete "
            f"them. {fix}"
        )
    if not output.exists():
        return False
    if not output.is_dir():
        raise OfflineBookError(f"OUTPUT {output} is a file, not a folder. {fix}")
    if (output / ".git").exists():
        raise OfflineBookError(f"OUTPUT {output} is a git repository ({output / '.git'}). {fix}")
    if not (output / STAMP).is_file() and any(output.iterdir()):
        raise OfflineBookError(
            f"OUTPUT {output} is a folder this script did not make (it has no {STAMP} file) "
            f"and is not empty; it is left as it is. {fix} Or remove it yourself."
        )
    return True


def localise(html: str, to_root: str) -> str:
    """Point the CDN script tags at ``_vendor``; ``to_root`` leads from the page to the book."""

    def rewrite(match: re.Match) -> str:
        tag = match.group(0)
        changed = tag
        for prefix, _, _, local in SCRIPTS:
            changed = changed.replace(prefix, f"{to_root}{VENDOR}/{local}")
        if changed == tag:
            return tag
        return INTEGRITY.sub("", changed)

    return SCRIPT_TAG.sub(rewrite, html)


def _pages(folder: Path) -> tuple[list[Path], list[Path]]:
    """The ``.html`` files under ``folder`` and the linked folders that were not entered.

    Links to folders are not followed (their pages are not the copy's to rewrite), nor is
    ``_vendor``; a page that is itself a link is listed.
    """
    pages, linked_folders = [], []
    for parent, folders, files in os.walk(folder):
        here = Path(parent)
        linked_folders += [here / name for name in folders if (here / name).is_symlink()]
        folders[:] = sorted(n for n in folders if not (here / n).is_symlink() and n != VENDOR)
        pages += [here / name for name in sorted(files) if name.endswith(".html")]
    return pages, linked_folders


def assemble(built: Path, folder: Path, files: list[tuple[Path, Path]]) -> int:
    """Fill the empty ``folder`` with the offline book; return how many pages were changed.

    Only files of ``folder`` are written: a page that is a symbolic link (out of the book,
    or back into the built book) is replaced by a file with the page's rewritten text, and
    its target is only read. A link to a missing page, and the pages of a linked folder,
    are left as they are and named on stderr.
    """
    shutil.copytree(built, folder, dirs_exist_ok=True, symlinks=True)
    stamp = folder / STAMP
    if stamp.is_symlink():
        stamp.unlink()  # the copy's link; what it points to is not ours
    stamp.write_text(STAMP_TEXT, encoding="utf-8")
    for source, relative in files:
        target = folder / VENDOR / relative
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    changed = 0
    pages, linked_folders = _pages(folder)
    for linked in linked_folders:
        print(
            f"make_offline_book: note: {linked.relative_to(folder)} is a link to a folder; its "
            f"pages are left as they are (they may load scripts from the network).",
            file=sys.stderr,
        )
    for page in pages:
        relative = page.relative_to(folder)
        if not page.is_file():
            print(
                f"make_offline_book: note: {relative} is a link to a missing file; left as it is.",
                file=sys.stderr,
            )
            continue
        html = page.read_text(encoding="utf-8")
        new = localise(html, "../" * (len(relative.parts) - 1))
        if page.is_symlink():
            page.unlink()  # the copy's link becomes the copy's own file
            page.write_text(new, encoding="utf-8")
        elif new != html:
            page.write_text(new, encoding="utf-8")
        changed += new != html
    return changed


def make_offline_book(built: Path, output: Path, node_modules: Path = NODE_MODULES) -> int:
    """Write the offline copy of ``built`` to ``output``; return how many pages were changed.

    Every check runs before anything is written; the copy is assembled next to ``output``
    and renamed into place, so a failure leaves any previous ``output`` as it was.
    """
    if not (built / "index.html").is_file():
        raise OfflineBookError(f"no built book at {built} (no index.html); run `make book` first.")
    files = vendor_files(node_modules, loaded_packages(built))
    vendor = built / VENDOR
    if vendor.exists() or vendor.is_symlink():
        kind = f"a link to {vendor.resolve()}" if vendor.is_symlink() else "not made by Sphinx"
        raise OfflineBookError(
            f"the built book {built} already has a {VENDOR} entry ({kind}), where this script "
            f"puts the scripts; it writes nothing it did not make. Build the book again "
            f"(`make book`) or give the folder Sphinx built."
        )
    replace = check_output(built, output, node_modules)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        changed = assemble(built, staging, files)
        if replace:
            previous = Path(tempfile.mkdtemp(prefix=f".{output.name}.old.", dir=output.parent))
            output.rename(previous / output.name)
            try:
                staging.rename(output)
            except OSError:
                (previous / output.name).rename(output)  # put the previous copy back
                raise
            shutil.rmtree(previous)
        else:
            staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("built", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("output", nargs="?", type=Path, default=ROOT / "_build" / "html-offline")
    args = parser.parse_args(argv)
    try:
        changed = make_offline_book(args.built, args.output)
    except OfflineBookError as error:
        print(f"make_offline_book: error: {error}", file=sys.stderr)
        return 2
    if changed:
        print(f"{changed} pages now load their scripts from {args.output / VENDOR}")
    else:
        print(f"No page loads a script from a CDN: {args.output} is the book as built")
    print(f"Serve it with: python3 -m http.server --bind 127.0.0.1 --directory {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
