"""The terms that come with the bundled Gemma model: their text, where it lies, and the one acceptance they need.

Google's Gemma Terms of Use must be passed on with the model, and they incorporate the Gemma
Prohibited Use Policy. A built bundle carries both as plain text beside the model
(`models/gemma-3-270m/`, written by the build); a source install reads the terms page that the
model's package ships and the policy kept in the repository's `licenses/gemma/`.

Acceptance is the models manager's own: the licence id in `settings.accepted_licences`, saved in the
data folder, which also covers a later download of a Gemma model. The bundled model is handed out
only once it is there (`locator.bundled_gguf_path`), so no front end can use it without asking.
"""

from __future__ import annotations

import html.parser
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.models.registry import (
    BUNDLED_NAME,
    BUNDLED_PACKAGE,
    LicenceInfo,
    LicenceNotAcceptedError,
    bundled_gguf_available,
    load_manifest,
    shipped_model_folder,
)
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.resources import app_root
from desktop_app.core.platform.settings import Settings

GEMMA_LICENCE = "gemma"  # the manifest's licence id of the bundled model (a test holds the manifest to it)
TERMS_FILE = "GEMMA_TERMS.txt"
TERMS_PAGE = "GEMMA_TERMS.html"
POLICY_FILE = "PROHIBITED_USE_POLICY.txt"
TERMS_URL = "https://ai.google.dev/gemma/terms"
POLICY_URL = "https://ai.google.dev/gemma/prohibited_use_policy"


class ModelTermsNotAcceptedError(LicenceNotAcceptedError):
    """The bundled model's terms were never accepted on this machine (for this data folder)."""

    def __init__(self, licence_id: str, licence: LicenceInfo, where: str) -> None:
        UserError.__init__(
            self,
            _("The {licence} and the Gemma Prohibited Use Policy must be accepted before the bundled Gemma 3 270M model"
              " is first used.").format(licence=licence.name),
            _("Read them ({where}), then run the command again with --accept-model-terms (or answer yes when a terminal"
              " asks); the window asks before its first request.").format(where=where),
            licence_id,
        )
        self.licence_id = licence_id
        self.licence = licence


@dataclass(frozen=True)
class TermsDocument:
    title: str
    url: str
    path: Path | None  # None: this install has no copy, the address is the only one

    def text(self) -> str:
        """The document as plain text (a saved web page is reduced to its article); the address when there is no copy."""
        if self.path is None:
            return f"{self.title}: {self.url}\n"
        try:
            raw = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(_("{path} cannot be read ({reason}).").format(path=self.path, reason=exc.strerror or exc),
                            _("Read it at {url}.").format(url=self.url), str(exc)) from exc
        return html_to_text(raw) if self.path.suffix.lower() in (".html", ".htm") else raw


def terms_documents() -> list[TermsDocument]:
    """The Gemma Terms of Use and the Prohibited Use Policy, from the bundle's copies or a source install's."""
    shipped = shipped_model_folder()
    terms = shipped / TERMS_FILE if (shipped / TERMS_FILE).is_file() else _package_file(TERMS_PAGE)
    policy = shipped / POLICY_FILE
    if not policy.is_file():
        policy = app_root() / "licenses" / "gemma" / POLICY_FILE
    return [
        TermsDocument("Gemma Terms of Use", TERMS_URL, terms),
        TermsDocument("Gemma Prohibited Use Policy", POLICY_URL, policy if policy.is_file() else None),
    ]


def _package_file(name: str) -> Path | None:
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    return path if path.is_file() else None


def bundled_terms_pending(settings: Settings) -> bool:
    """Whether the next request would use the bundled model with its terms not yet accepted (cheap: no file is read)."""
    return settings.classifier_gguf is None and GEMMA_LICENCE not in settings.accepted_licences and bundled_gguf_available()


def require_terms_to_measure(settings: Settings, names: list[str] | tuple[str, ...]) -> None:
    """`models measure` runs each model itself, the bundled one too when it is named or when none is (every GGUF here)."""
    if (not names or BUNDLED_NAME in names) and bundled_gguf_available():
        require_bundled_terms(settings)


def require_bundled_terms(settings: Settings) -> None:
    """Raises ModelTermsNotAcceptedError until the bundled model's licence is among the accepted ones."""
    manifest = load_manifest()
    licence_id = manifest.get(BUNDLED_NAME).licence
    licence = manifest.licences[licence_id]
    if licence.requires_acceptance and licence_id not in settings.accepted_licences:
        where = ", ".join(str(doc.path) if doc.path is not None else doc.url for doc in terms_documents())
        raise ModelTermsNotAcceptedError(licence_id, licence, where)


# ---------------------------------------------------------------------------------------------- a saved page as text

_BLOCKS = {"p", "div", "section", "article", "br", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "li", "aside"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "svg", "button", "devsite-toc",
            "devsite-feedback", "devsite-thumb-rating"}


class _ArticleText(html.parser.HTMLParser):
    """The text of a page's article (Google's developer pages keep it in `devsite-article-body`), or of its body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.article: list[str] | None = None
        self._article_depth = 0  # open elements inside the article div, so its end is found
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self.article is None and tag == "div" and "devsite-article-body" in classes:
            self.article, self._article_depth = [], 1
            return
        if self.article is not None and self._article_depth and tag not in _VOID:
            self._article_depth += 1
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._out("\n\n" if tag.startswith("h") or tag == "p" else "\n")
            if tag == "li":
                self._out("- ")

    def handle_endtag(self, tag: str) -> None:
        if self.article is not None and self._article_depth:
            self._article_depth -= 1
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCKS:
            self._out("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._out(re.sub(r"\s+", " ", data))

    def _out(self, text: str) -> None:
        target = self.article if self.article is not None and self._article_depth else self.parts
        target.append(text)

    def text(self) -> str:
        raw = "".join(self.article if self.article else self.parts)
        lines = [line.strip() for line in raw.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def html_to_text(page: str) -> str:
    parser = _ArticleText()
    parser.feed(page)
    parser.close()
    return parser.text()
