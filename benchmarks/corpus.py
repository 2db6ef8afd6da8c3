"""Generate a benchmark corpus of invented local-news articles about officials, of any size.

Articles are filled in from the templates in ``benchmarks/corpus_templates.toml``: invented names
(surnames from kg/data/surnames.txt, given names from the template file), titles and organs from
kg/data/titles.tsv and organs.tsv, real county-level divisions from the national list with invented
towns, villages and facilities, and page furniture around the story. A share of the articles is
converted to Traditional characters (OpenCC s2t). Then the noise real pages carry ([noise] in the
templates): policy sentences put together from parts (so few repeat), photo captions, paragraphs split
short, web boilerplate, pinyin glosses (戰(zhàn)), full-width punctuation typed as ASCII, and mojibake.
Names and places that occur in ``seeds/`` are never used. The same ``--seed`` gives the same corpus;
article ``i`` depends only on the seed and ``i``, so a corpus of 1,000 articles is the first 1,000 of
a corpus of 10,000. ``--describe`` compares a corpus with the seeds (distinct sentences, glosses,
ASCII punctuation, paragraphs).

Example: python benchmarks/corpus.py --docs 1000 --out /tmp/corpus1k
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg import lexicon  # noqa: E402
from kg.gazetteer import Division, gazetteer  # noqa: E402
from kg.normalise import to_traditional  # noqa: E402

TEMPLATES = Path(__file__).with_name("corpus_templates.toml")
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Article:
    name: str  # file name
    text: str
    script: str  # zh-Hans | zh-Hant


@cache
def templates() -> dict:
    with TEMPLATES.open("rb") as f:
        return tomllib.load(f)


@cache
def seed_text() -> str:
    """All seed articles: no invented name or chosen place may occur in them."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt")))


def _chars(value: str) -> str:
    return "".join(value.split())


@cache
def _surnames() -> tuple[str, ...]:
    first_line = next(line for line in (ROOT / "kg/data/surnames.txt").read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#"))
    common = [s for s in first_line.split() if s in lexicon.surnames()]
    return tuple(common[: templates()["names"]["common_surnames"]])


@cache
def _counties() -> tuple[tuple[Division, Division], ...]:
    """County-level divisions with their city, neither of them named in the seeds."""
    gaz = gazetteer()
    seeds = seed_text()
    out = []
    for d in sorted(gaz.by_code.values(), key=lambda d: d.adcode):
        city = gaz.by_code.get(d.parent or "")
        if not d.county_level or city is None or city.county_level or d.level not in "区县市":
            continue
        if any(name in seeds for name in (d.name, d.short, city.name, city.short)):
            continue
        out.append((d, city))
    return tuple(out)


@cache
def _party_departments() -> tuple[str, ...]:
    return tuple(o.form for o in lexicon.organs().values()
                 if o.scope == "sub" and o.parent == "委" and o.form.endswith("部") and len(o.form) == 3)


@cache
def _bureaus() -> tuple[str, ...]:
    """Names of bureaus (教育 of 教育局): organs.tsv holds suffixes, not bodies, so they are listed here."""
    return ("公安", "教育", "财政", "民政", "水利", "林业", "司法", "审计", "统计", "商务", "交通运输", "农业农村",
            "自然资源", "生态环境", "应急管理", "市场监管", "卫生健康", "文化和旅游", "住房和城乡建设")


class _Writer:
    """Fills the templates for one article from its own random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def fresh(self, make) -> str:
        """A value made by ``make`` that is neither in the seeds nor already used in this article."""
        seeds = seed_text()
        for _ in range(1000):
            value = make()
            if value not in self.used and value not in seeds:
                self.used.add(value)
                return value
        raise RuntimeError("could not invent a fresh value; widen the character lists in the templates")

    def person(self) -> str:
        given = _chars(templates()["names"]["given"])
        return self.fresh(lambda: self.rng.choice(_surnames()) + "".join(
            self.rng.choice(given) for _ in range(self.rng.choice((1, 2, 2, 2)))))

    def word(self, size: int = 2) -> str:
        chars = _chars(templates()["places"]["name_chars"])
        return self.fresh(lambda: "".join(self.rng.choice(chars) for _ in range(size)))

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def filler(self, slots: dict[str, str]) -> str:
        """Three to six sentences of policy speech: a few from the list, most put together from parts."""
        out = []
        noise = templates()["noise"]
        for _ in range(self.rng.randint(3, 6)):
            roll = self.rng.random()
            if roll < 0.15:
                out.append(self.pick(templates()["text"]["filler"]))
            elif roll < 0.8:
                end = self.pick(noise["ends"]).format(**slots)
                opening = self.pick(noise["openings"]).format(**slots) if self.rng.random() < 0.5 else ""
                out.append(f"{opening}要{self.pick(noise['verbs'])}{self.pick(noise['objects'])}，{end}。")
            else:
                out.append(self.pick(noise["figures"]).format(
                    n=self.rng.randint(2, 900), n2=self.rng.randint(100, 9000), pct=self.rng.randint(5, 99), **slots))
        return "".join(out)

    def chain(self, kind: str, level: str) -> str:
        return self.pick(templates()["chains"][kind]).format(
            L=level, party_dept=self.pick(list(_party_departments())), bureau=self.pick(list(_bureaus())))


def _fill(template: str, slots: dict[str, str], writer: _Writer) -> str:
    """``template`` with its slots filled; {filler} gets new sentences each time."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = {name: writer.filler(slots) if name == "filler" else slots[name] for name in names}
    return template.format(**values)


def article(seed: int, index: int, traditional_share: float = 0.2) -> Article:
    """Article number ``index`` of the corpus for ``seed``."""
    rng = random.Random(f"{seed}/{index}")
    w = _Writer(rng)
    t = templates()
    county, city = rng.choice(_counties())
    level = county.level if county.level in "区县" else "市"
    towns = [w.word(rng.choice((2, 2, 3))) for _ in range(3)]
    villages = [w.word(2) for _ in range(4)]
    town_names = [name + rng.choice(t["places"]["town_suffixes"]) for name in towns]
    village_names = [name + rng.choice(t["places"]["village_suffixes"]) for name in villages]
    facilities = [rng.choice(t["places"]["facilities"]).format(t=towns[k], v=villages[k], b=w.word(2))
                  for k in range(3)]
    year, month, day = rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28)
    slots = {
        "city": city.name, "county": county.name, "cshort": county.short, "L": level,
        "town": town_names[0], "town2": town_names[1], "town3": town_names[2],
        "village": village_names[0], "village2": village_names[1], "village3": village_names[2],
        "village4": village_names[3], "facility": facilities[0], "facility2": facilities[1], "facility3": facilities[2],
        "md": f"{month}月{day}日", "date": f"{year}-{month:02d}-{min(day + 1, 28):02d}", "year": str(year),
        "time": f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}",
        "leader": w.person(), "chain": w.chain("leader", level),
        "second": w.person(), "chain2": w.chain("leader", level),
        "p1": w.person(), "p1_chain": w.chain("member", level),
        "p2": w.person(), "p2_chain": w.chain("member", level),
        "p3": w.person(), "p4": w.person(),
        "reporter": w.person(), "correspondent": w.person(), "editor": w.person(), "reviewer": w.person(),
        "views": str(rng.randint(50, 5000)), "icp": f"ICP备{rng.randint(10**7, 10**8 - 1)}号",
        "topic": rng.choice(t["text"]["topics"]), "topic2": rng.choice(t["text"]["topics"]),
        "icp_host": "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))),
    }
    slots["publisher"] = _fill(rng.choice(t["text"]["publishers"]), slots, w)
    text = t["text"]

    def fill(kind: str) -> str:
        return _fill(rng.choice(text[kind]), slots, w)

    noise = t["noise"]
    body = [fill("leads")]
    body += [_fill(v, slots, w) for v in rng.sample(text["visits"], rng.randint(5, 10))]
    body += [fill("speeches") for _ in range(rng.randint(2, 4))]
    body += [fill("second_events") for _ in range(rng.randint(1, 2))]
    body.append(fill("attendees"))
    body = [part for paragraph in body for part in _split(paragraph, rng)]
    for _ in range(rng.randint(*noise["captions"])):
        body.insert(rng.randint(1, len(body)), _fill(rng.choice(noise["captions_text"]), slots, w))
    head = [fill("breadcrumbs"), fill("titles"), fill("meta")]
    tail = [*rng.sample([fill("credits") for _ in range(2)], 2), fill("footers")]
    if rng.random() < noise["boilerplate_share"]:
        chosen = [_fill(b, slots, w) for b in rng.sample(noise["boilerplate"], rng.randint(2, 4))]
        head.insert(rng.randint(0, len(head)), chosen[0])
        tail[rng.randint(0, len(tail)):0] = chosen[1:]
    page = "\n\n".join([*head, *body, *tail]) + "\n"
    script = "zh-Hans"
    if rng.random() < traditional_share:
        page, script = to_traditional(page), "zh-Hant"
    return Article(f"{index:06d}.txt", _noisy(page, rng), script)


def _split(paragraph: str, rng: random.Random) -> list[str]:
    """A long paragraph cut after one of its sentences now and then (real pages have short paragraphs)."""
    sentences = re.findall(r"[^。！？]+[。！？]?", paragraph)
    if len(sentences) < 3 or rng.random() < 0.4:
        return [paragraph]
    cut = rng.randint(1, len(sentences) - 1)
    return ["".join(sentences[:cut]), "".join(sentences[cut:])]


@cache
def _glosses() -> dict[str, str]:
    words = templates()["noise"]["glosses"].split()
    return dict(zip(words[::2], words[1::2], strict=True))


_ASCII = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!", "？": "?"})


def _noisy(page: str, rng: random.Random) -> str:
    """Pinyin glosses, ASCII punctuation and mojibake, each in its share of the articles."""
    noise = templates()["noise"]
    if rng.random() < noise["gloss_share"]:
        glosses = _glosses()
        page = "".join(f"{c}({glosses[c]})" if c in glosses and rng.random() < 0.8 else c for c in page)
    if rng.random() < noise["ascii_share"]:
        page = page.translate(_ASCII)
    if rng.random() < noise["mojibake_share"]:
        paragraphs = page.split("\n\n")
        k = rng.randrange(len(paragraphs) // 2, len(paragraphs))
        text = paragraphs[k]
        if rng.random() < 0.5:  # UTF-8 bytes read as GBK
            paragraphs[k] = text.encode("utf-8").decode("gbk", errors="replace")
        else:  # characters lost on the way: replacement marks
            paragraphs[k] = "".join("\ufffd" if rng.random() < 0.05 else c for c in text)
        page = "\n\n".join(paragraphs)
    return page


def describe(texts: list[str]) -> dict[str, float]:
    """What a corpus looks like: distinct-sentence share, glosses and paragraphs an article, ASCII punctuation."""
    sentences = [s.strip() for t in texts for s in re.split(r"[。！？!?\n]", t) if len(s.strip()) >= 6]
    punctuation = sum(t.count(c) for t in texts for c in ",:;()")
    wide = sum(t.count(c) for t in texts for c in "，：；（）")
    return {"articles": len(texts), "characters an article": sum(map(len, texts)) / max(len(texts), 1),
            "distinct sentences": len(set(sentences)) / max(len(sentences), 1),
            "glosses an article": sum(len(re.findall(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", t)) for t in texts)
            / max(len(texts), 1),
            "ASCII share of , : ; ( )": punctuation / max(punctuation + wide, 1),
            "paragraphs an article": sum(len([p for p in t.split("\n") if p.strip()]) for t in texts)
            / max(len(texts), 1),
            "replacement characters an article": sum(t.count("\ufffd") for t in texts) / max(len(texts), 1)}


def corpus(docs: int, seed: int = 1, traditional_share: float = 0.2) -> Iterator[Article]:
    for index in range(docs):
        yield article(seed, index, traditional_share)


def write_corpus(out: Path, docs: int, seed: int = 1, traditional_share: float = 0.2) -> tuple[int, int]:
    """Write ``docs`` articles into ``out``; return (articles, characters)."""
    out.mkdir(parents=True, exist_ok=True)
    chars = 0
    for a in corpus(docs, seed, traditional_share):
        (out / a.name).write_text(a.text, encoding="utf-8")
        chars += len(a.text)
    return docs, chars


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Example: python benchmarks/corpus.py --docs 1000 --out /tmp/corpus1k")
    parser.add_argument("--docs", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--out", type=Path, help="directory to write NNNNNN.txt files into")
    parser.add_argument("--describe", action="store_true",
                        help="print how the corpus compares with the seeds (written, or generated in memory)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--traditional", type=float, default=0.2,
                        help="share of articles in Traditional characters (default 0.2)")
    args = parser.parse_args(argv)
    if args.describe:
        seeds = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
        generated = [a.text for a in corpus(args.docs, args.seed, args.traditional)]
        rows = {"seeds": describe(seeds), f"corpus ({args.docs} articles)": describe(generated)}
        print("| | " + " | ".join(rows) + " |\n|---|" + "---:|" * len(rows))
        for key in rows["seeds"]:
            print(f"| {key} | " + " | ".join(f"{r[key]:,.2f}" for r in rows.values()) + " |")
    if args.out is None:
        if not args.describe:
            parser.error("give --out DIR (or --describe)")
        return
    docs, chars = write_corpus(args.out, args.docs, args.seed, args.traditional)
    print(f"wrote {docs} articles, {chars} characters ({chars // max(docs, 1)} per article) to {args.out}")


if __name__ == "__main__":
    main()
