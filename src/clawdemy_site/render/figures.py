"""Figures in a lesson body: an image alone in its paragraph, with a title, is a figure.

`![A sigmoid curve](images/sigmoid.svg "The sigmoid squashes any number into 0 to 1")`
on a paragraph of its own renders as

    <figure><img alt="A sigmoid curve" src="..."><figcaption>The sigmoid ...</figcaption></figure>

An image without alt text is reported (a warning; `--strict` fails on it): a
reader who cannot see it is told nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

#: Called with the image's address as written, how many images with that address come
#: before it in the body, and the message.
WarnImage = Callable[[str, int, str], None]


def no_alt_message(src: str) -> str:
    return (
        f"image `{src}` has no alt text: say what it shows between the brackets,"
        f" `![what it shows]({src})`, for readers who cannot see it"
    )


def _alone(paragraph: etree.Element) -> etree.Element | None:
    """The paragraph's image when it holds nothing else, not even text."""
    children = list(paragraph)
    if len(children) != 1 or children[0].tag != "img":
        return None
    image = children[0]
    if (paragraph.text or "").strip() or (image.tail or "").strip():
        return None
    return image


class FigureProcessor(Treeprocessor):
    def __init__(self, md: Markdown, warn: WarnImage) -> None:
        super().__init__(md)
        self.warn = warn

    def run(self, root: etree.Element) -> None:
        seen: dict[str, int] = {}
        for img in root.iter("img"):
            src = img.get("src", "")
            occurrence = seen.get(src, 0)
            seen[src] = occurrence + 1
            if not img.get("alt", "").strip():
                self.warn(src, occurrence, no_alt_message(src))
        for paragraph in list(root.iter("p")):
            image = _alone(paragraph)
            caption = image.get("title", "").strip() if image is not None else ""
            if image is None or not caption:
                continue
            paragraph.tag = "figure"
            paragraph.text = None
            del image.attrib["title"]
            image.tail = None
            figcaption = etree.SubElement(paragraph, "figcaption")
            figcaption.text = caption
