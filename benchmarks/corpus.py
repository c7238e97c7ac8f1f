"""A synthetic course for build benchmarks: N tracks of M lessons, ~900 words each.

Each lesson has the typed references a real one carries (a source with a companion,
two further-study entries, a `lesson` entry), objectives, headings, a table, a fenced
code block, inline and display math, a link to the next lesson and a footnote. The
same bodies are also written as a Hugo site, so both tools build the same prose.

    python benchmarks/corpus.py OUT --tracks 20 --lessons 50
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = tuple(
    [
        "neuron",
        "weight",
        "bias",
        "layer",
        "signal",
        "number",
        "pattern",
        "edge",
        "pixel",
        "digit",
        "network",
        "value",
        "sum",
        "activation",
        "gradient",
        "cost",
        "step",
        "learning",
        "input",
        "output",
        "hidden",
        "function",
        "matrix",
        "vector",
        "shape",
        "idea",
        "picture",
        "question",
        "answer",
        "example",
        "reason",
        "small",
        "large",
        "first",
        "second",
        "every",
    ]
)


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(_sentence(rng, rng.randint(8, 16)))
    return " ".join(out)


def lesson_body(rng: random.Random, number: int, next_file: str | None) -> str:
    """About 900 words of Markdown with the constructs lessons use."""
    parts = [_paragraph(rng, 120)]
    parts.append("## A closer look\n\n" + _paragraph(rng, 110))
    parts.append(
        "| input | weight | product |\n| --- | --- | --- |\n"
        + "\n".join(f"| {i} | {i * 0.5} | {i * i * 0.5} |" for i in range(1, 6))
    )
    # Math and code differ from lesson to lesson, as they would in a real course.
    unique = rng.randint(2, 10**6)
    parts.append(f"Inline math such as $w_{{{unique}}} a_1 + b_{{{unique}}}$ sits here.")
    parts.append(f"$$\n\\sigma(x) = \\frac{{1}}{{1 + e^{{-{unique}x}}}}\n$$")
    parts.append(
        f"```python\ndef weighted_sum_{unique}(weights, inputs, bias):\n"
        f"    return sum(w * a for w, a in zip(weights, inputs)) + bias * {unique}  # neuron\n```"
    )
    parts.append("## Why it matters\n\n" + _paragraph(rng, 150) + "[^1]")
    if next_file is not None:
        parts.append(f"Read on in [the next lesson]({next_file}). " + _paragraph(rng, 100))
    parts.append("### Details\n\n" + _paragraph(rng, 140))
    parts.append("- " + "\n- ".join(_sentence(rng, 10) for _ in range(4)))
    parts.append("## Summary\n\n" + _paragraph(rng, 140))
    parts.append(f"[^1]: A footnote for lesson {number}.")
    return "\n\n".join(parts) + "\n"


def lesson_front(number: int, title: str, last: bool) -> str:
    lines = [
        "---",
        f"title: {title}",
        f"lesson: {number}",
        f"summary: What lesson {number} is about, in one line.",
        "minutes: 5",
        "objectives:",
        "  - Say what a neuron holds.",
        "  - Compute a weighted sum by hand.",
        "references:",
        "  - type: source",
        f"    title: 'Chapter {number}: a curriculum page'",
        "    publisher: Example Press",
        "    creator: A. Teacher",
        f"    url: https://curriculum.example/lessons/{number}",
        "    series_url: https://curriculum.example/series",
        "    license: copyright A. Teacher",
        "    mirrors: This lesson follows the arc of the chapter.",
        "    companion:",
        "      type: video",
        "      title: The chapter's video",
        f"      url: https://video.example/watch/{number}",
        "      minutes: 20",
        "      role: The chapter this lesson mirrors.",
        "      note: The video walks through the same structure.",
        "  - type: book",
        "    title: A free book, chapter one",
        "    by: B. Author",
        f"    url: https://book.example/chap{number}.html",
        "    minutes: 35",
        "    note: The same ideas with more algebra.",
        "  - type: interactive",
        "    title: A playground",
        "    url: https://playground.example/",
        "    note: A network to try in the browser.",
    ]
    if not last:
        lines += ["  - type: lesson", f"    lesson: {number + 1}", "    note: What comes next."]
    return "\n".join(lines) + "\n---\n\n"


def write_corpus(root: Path, *, tracks: int, lessons: int, seed: int = 7) -> Path:
    """Write `root/content` (clawdemy) and `root/hugo` (the same bodies for Hugo)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    hugo = root / "hugo"
    content.mkdir(parents=True)
    (content / "site.yml").write_text(
        "title: Bench\nbase_url: https://bench.example/\nlanguage: en\n"
        "description: A synthetic course.\n"
    )
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "Bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS"]\n'
        "[markup.goldmark.renderer]\nunsafe = false\n"
    )
    single = (
        "<!doctype html><html><head><title>{{ .Title }}</title></head>"
        "<body><main>{{ .Content }}</main></body></html>\n"
    )
    (hugo / "layouts" / "_default" / "single.html").write_text(single)
    (hugo / "layouts" / "_default" / "list.html").write_text(single)
    (hugo / "layouts" / "index.html").write_text(single)
    for t in range(1, tracks + 1):
        slug = f"track-{t:03d}"
        folder = content / slug
        folder.mkdir()
        (folder / "track.yml").write_text(
            f"title: Track {t}\nsummary: The {t}th synthetic track.\nposition: {t}\n"
        )
        (hugo / "content" / slug).mkdir(parents=True)
        width = max(2, len(str(lessons)))
        for n in range(1, lessons + 1):
            name = f"{n:0{width}d}-lesson-{n}"
            next_file = f"{n + 1:0{width}d}-lesson-{n + 1}.md" if n < lessons else None
            body = lesson_body(rng, n, next_file)
            title = f"Lesson {n} of track {t}"
            (folder / f"{name}.md").write_text(lesson_front(n, title, n == lessons) + body)
            hugo_body = body if next_file is None else body.replace(f"({next_file})", "(../)")
            (hugo / "content" / slug / f"{name}.md").write_text(
                f'---\ntitle: "{title}"\n---\n\n{hugo_body}'
            )
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tracks", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    args = parser.parse_args()
    write_corpus(args.out, tracks=args.tracks, lessons=args.lessons)
    print(f"wrote {args.tracks * args.lessons} lessons under {args.out}")


if __name__ == "__main__":
    main()
