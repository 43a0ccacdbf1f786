"""Binder and Colab buttons open a notebook that exists in the repository, on the book's branch.

Live Code (Thebe) is switched off (its ipywidgets 7 front end cannot show the explorers), so
no page offers it.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from repo_root import REPO_ROOT


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.live_code: list[str] = []  # the start tags of Thebe's "Live Code" launch buttons

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if tag == "a" and href:
            self.hrefs.append(href)
        marks = " ".join(str(values.get(name) or "") for name in ("class", "onclick", "title"))
        if tag in ("a", "button") and re.search(r"thebe", marks, re.IGNORECASE):
            self.live_code.append(self.get_starttag_text() or tag)


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def links(page: Path) -> list[str]:
    return parse(page).hrefs


def book_config() -> dict:
    return yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))


@cache
def files_on_branch(branch: str) -> frozenset[str]:
    """The files committed on ``branch`` (local branch, else origin's)."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        listing = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "ls-tree", "-r", "--name-only", ref],
            capture_output=True,
            text=True,
        )
        if listing.returncode == 0:
            return frozenset(listing.stdout.splitlines())
    raise AssertionError(
        f"branch {branch!r} (repository: branch: in _config.yml) has no commits in this clone"
    )


def launch_targets(page: Path) -> dict[str, list[tuple[str, str, str]]]:
    """(owner/name, branch, path) of every Binder and Colab link on a page."""
    config = book_config()
    binder = config["launch_buttons"]["binderhub_url"].rstrip("/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    found: dict[str, list[tuple[str, str, str]]] = {"binder": [], "colab": []}
    for href in links(page):
        if href.startswith(f"{binder}/v2/gh/"):
            # https://mybinder.org/v2/gh/OWNER/NAME/BRANCH?urlpath=lab/tree/PATH
            parts = urlsplit(href)
            owner, name, branch = parts.path.split("/")[3:6]
            urlpath = parse_qs(parts.query)["urlpath"][0]
            path = urlpath.split("tree/", 1)[1]
            found["binder"].append((f"{owner}/{name}", branch, path))
        elif href.startswith(f"{colab}/github/"):
            # https://colab.research.google.com/github/OWNER/NAME/blob/BRANCH/PATH
            owner, name, blob, branch, path = urlsplit(href).path.split("/", 6)[2:7]
            assert blob == "blob", href
            found["colab"].append((f"{owner}/{name}", branch, path))
    return found


def test_launch_links_open_the_pages_own_notebook(built_book, toc_notebook):
    config = book_config()
    repository = urlsplit(config["repository"]["url"]).path.strip("/")
    branch = config["repository"]["branch"]
    book_path = (config["repository"].get("path_to_book") or "").strip("/")
    expected_path = f"{book_path}/{toc_notebook}.ipynb".lstrip("/")

    targets = launch_targets(built_book.page(toc_notebook))

    for service in ("binder", "colab"):
        assert len(targets[service]) == 1, (
            f"{toc_notebook}: expected one {service} link, found {targets[service]}"
        )
        assert targets[service][0] == (repository, branch, expected_path), (
            f"{toc_notebook}: the {service} link opens {targets[service][0]}, "
            f"expected {(repository, branch, expected_path)}"
        )
    assert expected_path in files_on_branch(branch), (
        f"{expected_path} is not committed on branch {branch!r}: the launch buttons of "
        f"{toc_notebook} would open a missing file. Commit it."
    )


def test_repository_address_is_a_github_repository():
    """mybinder.org's /v2/gh/ and Colab's /github/ links need a github.com address."""
    url = urlsplit(book_config()["repository"]["url"])
    assert (url.scheme, url.netloc) == ("https", "github.com"), url.geturl()
    assert len(url.path.strip("/").split("/")) == 2, (
        f"expected https://github.com/OWNER/NAME, got {url.geturl()}"
    )


def test_no_page_offers_live_code(built_book, toc_notebook):
    """`launch_buttons: thebe: false`: the launch menu has Binder and Colab, no Thebe button."""
    config = book_config()
    assert config["launch_buttons"].get("thebe") is False, "set launch_buttons: thebe: false"
    buttons = parse(built_book.page(toc_notebook)).live_code
    assert not buttons, f"{toc_notebook} offers Live Code (Thebe): {buttons}"


def test_readme_badges_open_a_chapter_of_the_configured_repository_and_branch():
    config = book_config()
    repository = urlsplit(config["repository"]["url"]).path.strip("/")
    branch = config["repository"]["branch"]
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    binder = re.findall(r"\((https://mybinder\.org/v2/gh/[^)\s]+)\)", readme)
    colab = re.findall(r"\((https://colab\.research\.google\.com/github/[^)\s]+)\)", readme)
    assert len(binder) == 1 and len(colab) == 1, (binder, colab)

    binder_url = urlsplit(binder[0])
    owner, name, binder_branch = binder_url.path.split("/")[3:6]
    binder_path = parse_qs(binder_url.query)["urlpath"][0].split("tree/", 1)[1]
    owner_c, name_c, blob, colab_branch, colab_path = urlsplit(colab[0]).path.split("/", 6)[2:7]

    assert (f"{owner}/{name}", binder_branch) == (repository, branch), binder[0]
    assert (f"{owner_c}/{name_c}", blob, colab_branch) == (repository, "blob", branch), colab[0]
    for path in (binder_path, colab_path):
        assert (REPO_ROOT / path).is_file() and path.endswith(".ipynb"), path
