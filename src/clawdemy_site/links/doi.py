"""DOIs (`https://doi.org/10.…`) checked through the DOI handle API, not the publisher's page.

Publishers answer checkers with 403 and bot walls often enough that their page says little;
the handle API says whether the DOI is registered: `responseCode` 1 means it is, 100 that no
such handle exists (which is `broken`). The API's base URL is `links.doi_api` in site.yml.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from yarl import URL

from clawdemy_site.links.chain import (
    PageOutcome,
    Send,
    failure_state,
    phrase_of,
    tries,
    with_retries,
)
from clawdemy_site.links.fetch import Failure
from clawdemy_site.links.model import CheckOptions
from clawdemy_site.links.status import Broken, Error, Ok, Unreachable

DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
#: The handle API's codes: the handle exists; no such handle.
FOUND, NOT_FOUND = 1, 100


def doi_of(url: URL) -> str | None:
    """The DOI a doi.org URL names (`10.1000/xyz`), or None for any other URL."""
    if (url.host or "").lower() not in DOI_HOSTS or not url.path.startswith("/10."):
        return None
    return url.path[1:]


def handle_url(api: str, doi: str) -> URL:
    """The API address that answers for `doi`."""
    return URL(api.rstrip("/") + "/" + quote(doi, safe="/"), encoded=True)


async def check_doi(doi: str, api: str, send: Send, options: CheckOptions) -> PageOutcome:
    """Ask the handle API whether `doi` is registered."""
    outcome, attempts = await with_retries(send, "GET", handle_url(api, doi), frozenset(), options)
    if isinstance(outcome, Failure):
        detail = tries(f"DOI handle API: {outcome.detail}", attempts)
        return PageOutcome(failure_state(outcome, None, detail))
    code = outcome.code
    response_code = _response_code(outcome.body)
    if response_code == FOUND:
        state = Ok(code, f"DOI {doi} is registered (handle API)")
        return PageOutcome(state, unchecked="the publisher's page is not fetched for a DOI")
    if response_code == NOT_FOUND or code == 404:
        return PageOutcome(Broken(code, None, f"DOI {doi} is not registered (handle API)"))
    if code >= 500 or code == 429:
        detail = tries(f"DOI handle API: {phrase_of(code)}", attempts)
        return PageOutcome(Unreachable(code, None, detail))
    detail = f"DOI handle API answered {phrase_of(code)} without a responseCode it documents"
    return PageOutcome(Error(code, None, detail))


def _response_code(body: bytes | None) -> int | None:
    if not body:
        return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    code = payload.get("responseCode") if isinstance(payload, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None
