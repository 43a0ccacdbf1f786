"""The release files agree with the project: CITATION.cff, CHANGELOG.md, NOTICE, the licences.

CITATION.cff is read as YAML and held to the Citation File Format 1.2.0 fields it uses; its
version and licence are pyproject.toml's and its repository-code is _config.yml's address.
A release (appendix/instructors.md, "Releases") raises pyproject.toml's version, CITATION.cff's
version and date, and adds CHANGELOG.md's heading together: the newest release heading of
the changelog is the project's version.
"""

from __future__ import annotations

import datetime
import re
import subprocess

import yaml
from repo_root import REPO_ROOT

CITATION = REPO_ROOT / "CITATION.cff"
DATA_DOI = "https://doi.org/10.24432/C50P49"  # Alpaydin and Kaynak's digits at UCI
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def citation() -> dict:
    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def project_field(name: str) -> str:
    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(rf'^{name} = (?:{{ text = )?"([^"]+)"', text, re.MULTILINE).group(1)


def test_citation_has_the_fields_cff_requires():
    cff = citation()
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"] and cff["title"]
    assert cff["authors"] and all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert cff["type"] in ("software", "dataset")


def test_citation_names_the_projects_version_licence_and_repository():
    cff = citation()
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["version"] == project_field("version"), "CITATION.cff's version is not pyproject's"
    assert cff["license"] == project_field("license")
    assert cff["repository-code"] == config["repository"]["url"], (
        "CITATION.cff's repository-code must be _config.yml's repository url"
    )


def test_citation_release_date_is_a_date():
    released = citation()["date-released"]
    assert isinstance(released, str), "quote date-released: CFF wants a string, not a YAML date"
    datetime.date.fromisoformat(released)


def test_the_data_and_the_prose_licence_are_credited():
    notice = (REPO_ROOT / "NOTICE").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for text, name in ((notice, "NOTICE"), (readme, "README.md")):
        assert DATA_DOI in text, f"{name} does not credit the digits data ({DATA_DOI})"
        assert "Alpaydin" in text and "Kaynak" in text, f"{name} does not name the data's authors"
        assert CC_BY in text, f"{name} does not link CC BY 4.0"


def test_the_prose_licence_names_what_it_covers_and_links_the_licence():
    text = (REPO_ROOT / "LICENSE-prose.md").read_text(encoding="utf-8")
    assert CC_BY in text and "chapters" in text and "LICENSE" in text


def test_the_changelog_has_this_version_released_on_the_citations_date():
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    version, released = project_field("version"), citation()["date-released"]
    assert f"## [{version}] - {released}\n" in changelog, (
        f"CHANGELOG.md has no heading '## [{version}] - {released}'"
    )
    assert f"[{version}]: " in changelog, f"CHANGELOG.md does not link release {version}"


def newest_release(changelog: str) -> str:
    """The version of the first ``## [X.Y.Z]`` heading (``## [Unreleased]`` is not a release)."""
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.MULTILINE)
    assert versions, "CHANGELOG.md has no release heading '## [X.Y.Z] - YYYY-MM-DD'"
    return versions[0]


def test_pyproject_citation_and_the_newest_changelog_heading_name_one_version():
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = {
        "pyproject.toml": project_field("version"),
        "CITATION.cff": str(citation()["version"]),
        "CHANGELOG.md (newest release)": newest_release(changelog),
    }
    assert len(set(versions.values())) == 1, (
        f"the versions differ: {versions}; a release sets all three (appendix/instructors.md)"
    )


def test_the_newest_release_is_the_first_heading_after_unreleased():
    """A control: the heading the version test reads is the top one, not an older release."""
    text = "# Changelog\n\n## [Unreleased]\n\n## [0.3.0] - 2027-01-02\n\n## [0.2.0] - 2026-12-24\n"
    assert newest_release(text) == "0.3.0"


def test_the_distribution_name_is_pyprojects_and_not_nncore():
    """``nncore`` on PyPI is an unrelated project: the README says what to install instead."""
    name = project_field("name")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert name == "nn-executed"
    assert "`pip install nncore`" in readme and "unrelated" in readme
    assert f"{name}[chapters] @ " in readme


# ------------------------------------------------------------- releases and git tags
def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True)


def released_versions(changelog: str) -> list[str]:
    """Every ``## [X.Y.Z] - YYYY-MM-DD`` heading's version, newest first."""
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.MULTILINE)


def test_released_versions_are_the_dated_headings():
    """A control: ``[Unreleased]`` and the link lines are not releases."""
    text = (
        "## [Unreleased]\n\n## [0.2.0] - 2027-01-02\n\n## [0.1.0] - 2026-12-07\n\n"
        "[0.1.0]: https://example.org/releases/tag/v0.1.0\n"
    )
    assert released_versions(text) == ["0.2.0", "0.1.0"]


def tags_in_this_clone() -> bool:
    """Whether this checkout carries git tags; a clone made without them (``git clone
    --no-tags``, a single-branch fetch) has none at all, and then only the changelog's
    links are checked. A clone that has tags must have every release's."""
    return bool(git("tag", "--list").stdout.strip())


def test_every_release_in_the_changelog_has_its_annotated_tag_in_this_history():
    """A release is its CHANGELOG heading and the annotated tag ``vX.Y.Z`` on the commit
    released (appendix/instructors.md, "Releases"); the changelog links that tag."""
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = released_versions(changelog)
    assert versions, "CHANGELOG.md has no dated release heading '## [X.Y.Z] - YYYY-MM-DD'"
    tagged = tags_in_this_clone()
    shallow = git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    problems = []
    for version in versions:
        tag = f"v{version}"
        if f"releases/tag/{tag}" not in changelog:
            problems.append(f"{tag}: CHANGELOG.md does not link releases/tag/{tag}")
        if not tagged:
            continue
        kind = git("cat-file", "-t", f"refs/tags/{tag}").stdout.strip()
        if kind != "tag":
            problems.append(
                f"{tag}: expected an annotated tag, got {kind or 'no tag'}; tag the released "
                f"commit: git tag -a {tag} -m 'Release {version}' COMMIT && git push origin {tag}"
            )
        elif not shallow and git("merge-base", "--is-ancestor", tag, "HEAD").returncode != 0:
            problems.append(f"{tag}: the tagged commit is not in this branch's history")
    assert not problems, "\n".join(problems)


def copyright_years() -> dict[str, int]:
    found = {}
    for name in ("LICENSE", "LICENSE-prose.md", "NOTICE"):
        text = (REPO_ROOT / name).read_text(encoding="utf-8")
        found[name] = int(re.search(r"Copyright \(c\) (\d{4}) ", text).group(1))
    return found


def test_the_copyright_year_is_the_year_of_the_first_release():
    """The work was first published with its first release: the oldest dated CHANGELOG
    heading's year is the year in every copyright line."""
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    years = re.findall(r"^## \[\d+\.\d+\.\d+\] - (\d{4})-\d{2}-\d{2}$", changelog, re.MULTILINE)
    assert years, "CHANGELOG.md has no dated release heading"
    first = int(years[-1])
    assert copyright_years() == dict.fromkeys(copyright_years(), first), (
        f"expected the year of the first release ({first}) in every copyright line, "
        f"found {copyright_years()}"
    )


def test_the_prose_licence_covers_every_page_and_notebook():
    text = (REPO_ROOT / "LICENSE-prose.md").read_text(encoding="utf-8")
    for covered in ("`intro.md`", "`appendix/*.md`", "`chapters/*.ipynb`", "`appendix/*.ipynb`"):
        assert covered in text, f"LICENSE-prose.md does not name {covered}"
    assert "markdown cells of every" in text and "figures" in text
    notice = (REPO_ROOT / "NOTICE").read_text(encoding="utf-8")
    assert "intro.md, appendix/*.md, the markdown cells of every notebook" in notice
