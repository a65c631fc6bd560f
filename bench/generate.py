"""Synthetic union-news corpus of a chosen size, with the facts it planted as gold JSONL.

    python -m bench.generate --size 10MB --out DIR --seed 1

Writes DIR/pages/page_00001.txt … (several articles per page, laid out like the seed pages:
headline, 本报讯(记者…) by-line, paragraphs) and DIR/truth.jsonl (one line per article, the format
of ../shared/gold/seeds/*.jsonl, readable by `kg eval`). Regions come from the national division
table (kg.divisions.divisions()), worker groups from schema/lexicon/worker_groups.tsv; everything else
(initiative names, companies, people) is composed from syllable pools, so no name is a seed's.
The same seed and size give byte-identical files.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from kg.divisions import Division, divisions
from kg.settings import LEXICON_DIR

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}

INIT_CORES = (
    "暖心", "暖蜂", "同心", "聚力", "安心", "护航", "连心", "筑家", "畅行", "益路同行", "红色引擎", "温暖有约",
    "小哥有家", "骑士加油", "路畅心安", "满格电", "歇歇脚", "一键入会", "码上服务", "暖途", "蓝马甲", "幸福里",
    "同心圆", "追梦", "守护者", "星火", "向阳", "润心", "暖阳", "爱心接力",
)
INIT_HEADS = ("行动", "机制", "驿站", "计划", "项目", "服务站", "工程", "之家", "模式")
BRANDS = ("工会驿站", "司机之家", "职工书屋", "12351热线")
INDUSTRIES = ("快递", "货运", "网约车", "外卖配送", "家政服务", "物流")
ORG_HEADS = ("物流有限公司", "快递有限公司", "网络科技有限公司", "运输有限公司", "供应链有限公司")
GOV_BODIES = ("交通运输局", "人力资源和社会保障局", "邮政管理局", "市场监督管理局", "卫生健康委员会")
BRAND_SYLLABLES = "顺达通捷安迅鑫隆丰远恒泰华宇嘉豪航优品诚信祥瑞鸿运兴旺众德润"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
    "戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "建国志强秀英丽华伟明军平海燕玉兰桂芳红梅晓东春雨宏亮学文利民振华国庆德胜永刚金凤立新淑珍文博思远嘉怡子涵"
ROLES = ("党组书记、副主席", "主席", "副主席", "党组成员、副主席", "经费审查委员会主任", "权益保障部部长")
SPEAK = ("介绍", "表示", "说", "告诉记者")
RUN_VERBS = ("推出", "打造", "开展", "建立", "启动", "创新推出")
SERVE_FRAMES = ("为{g}提供", "面向{g}推出", "针对{g}的实际需求,设置了", "服务{g},配备了")
AMENITIES = (
    "休息、饮水、充电、热饭", "法律咨询、心理疏导", "技能培训、职业规划", "体检、互助保障", "子女托管、就近入会",
)
SITES = ("重点商圈", "物流园区", "交通枢纽", "城区主干道")
FILLER = (
    "近年来,各级工会坚持以职工为中心,聚焦急难愁盼问题,不断提升服务的精准度和实效性。",
    "据了解,这一做法已在全市多个街道推广,累计服务职工超过{n}人次。",
    "“以前跑单累了只能在路边歇一歇,现在有了固定的落脚点,心里觉得暖暖的。”一位从业多年的师傅说。",
    "下一步,工会将继续完善服务阵地建设,推动服务资源向基层延伸,让更多劳动者感受到组织的温暖。",
    "活动现场,工作人员为大家发放了防暑降温用品和维权手册,并现场解答劳动者关心的问题。",
    "截至目前,共建成服务站点{k}个,发展会员{n}名,开展各类活动{k}场次。",
    "与此同时,工会还积极协调相关部门,推动解决劳动报酬、休息休假、劳动安全卫生等方面的问题。",
    "“入会后,遇到困难有人帮,遇到问题有人管。”说起加入工会后的变化,大家纷纷点赞。",
)
HEADLINES = (
    "{u}推出“{core}”{head}", "“{core}”{head}让{g}有了“娘家”", "{place}:{g}的“{core}”{head}来了",
    "{u}打造服务阵地 为{g}撑起“保护伞”", "从“单打独斗”到“抱团取暖”——{place}工会服务{g}见闻",
)


def parse_size(text: str) -> int:
    """'10MB' → 10_000_000 bytes (decimal units B, KB, MB, GB)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", text.upper())
    if not m:
        raise click.BadParameter(f"not a size: {text!r} (e.g. 1MB, 500KB)")
    return int(float(m.group(1)) * _UNITS[m.group(2) if m.group(2) != "K" else "KB"])


@dataclass(frozen=True)
class Group:
    name: str
    aliases: tuple[str, ...]


def worker_groups() -> list[Group]:
    """The taxonomy of schema/lexicon/worker_groups.tsv (canonical name and aliases)."""
    out = []
    for line in (LEXICON_DIR / "worker_groups.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            out.append(Group(cols[0], tuple(a for a in (cols[1] if len(cols) > 1 else "").split("|") if a)))
    return out


@dataclass
class Places:
    """Cities (with their province) and counties (with their city) of the division table, sorted."""

    cities: list[tuple[Division, Division]]
    counties: dict[str, list[Division]]

    @classmethod
    def load(cls) -> Places:
        table = divisions()
        by_code = {d.code: d for s in table.surfaces() for d in table.lookup(s)}
        ordered = sorted(by_code.values(), key=lambda d: d.code)
        cities = [(d, by_code[d.parent]) for d in ordered
                  if d.level == "city" and d.parent in by_code and by_code[d.parent].level == "province"
                  and d.name.endswith("市")]
        counties: dict[str, list[Division]] = {}
        for d in ordered:
            if d.level == "county" and d.parent and d.name.endswith(("县", "区")) and len(d.name) >= 3:
                counties.setdefault(d.parent, []).append(d)
        return cls(cities, counties)


@dataclass
class Article:
    """One planted article: its text and the gold record of what it states."""

    headline: str
    paragraphs: list[str]
    entities: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    relations: list[dict[str, str]] = field(default_factory=list)

    def entity(self, type_: str, name: str, *aliases: str) -> str:
        self.entities.setdefault((type_, name), set()).update(a for a in aliases if a and a != name)
        return name

    def fact(self, subject: str, predicate: str, obj: str, evidence: str) -> None:
        rel = {"subject": subject, "predicate": predicate, "object": obj, "evidence": evidence}
        if rel not in self.relations:
            self.relations.append(rel)

    def record(self, doc: str) -> dict[str, object]:
        body = "\n".join(self.paragraphs)
        ents = [{"type": t, "name": n, "aliases": sorted(a)} for (t, n), a in self.entities.items()]
        return {"doc": doc, "headline": self.headline, "first_chars": body[:30], "entities": ents,
                "relations": self.relations}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def _region_facts(art: Article, chain: list[Division], sentence: str) -> None:
    for d in chain:
        rest = sentence.replace(d.name, "")
        art.entity("Region", d.name, *(s for s in d.short if s in rest))
    for child, parent in zip(chain, chain[1:], strict=False):
        art.fact(child.name, "located_in", parent.name, sentence)


def make_article(rng: random.Random, places: Places, groups: list[Group]) -> Article:
    """One article: a union body runs an initiative for a worker group, with partners and a quoted official."""
    city, province = rng.choice(places.cities)
    county = rng.choice(places.counties[city.code]) if city.code in places.counties and rng.random() < 0.5 else None
    home = county or city
    kind = rng.random()
    if kind < 0.6:
        union, abbrev = f"{home.name}总工会", f"{home.name}总"
    else:
        union, abbrev = f"{home.name}{rng.choice(INDUSTRIES)}行业工会联合会", ""
    group = rng.choice(groups)
    g_text = rng.choice((group.name, *group.aliases))
    core, head = rng.choice(INIT_CORES), rng.choice(INIT_HEADS)
    init = core + head
    chain = [home, city, province] if county else [city, province]
    where = province.name + city.name + (county.name if county else "")
    headline = rng.choice(HEADLINES).format(u=union, core=core, head=head, g=g_text, place=home.name)
    art = Article(headline, [])
    art.entity("UnionBody", union, abbrev if abbrev else "")
    art.entity("Initiative", init, core)
    art.entity("WorkerGroup", group.name, g_text)
    lead = (f"本报讯(记者{_person(rng)} 通讯员{_person(rng)})近日,记者从{where}获悉,{union}"
            f"{rng.choice(RUN_VERBS)}“{core}”{head},{rng.choice(SERVE_FRAMES).format(g=g_text)}"
            f"{rng.choice(AMENITIES)}等服务,受到广泛好评。")
    _region_facts(art, chain, lead)
    art.fact(union, "located_in", home.name, lead)
    art.fact(union, "runs", init, lead)
    art.fact(init, "serves", group.name, lead)
    art.paragraphs.append(lead)
    paras: list[str] = []
    if rng.random() < 0.7:
        org = (f"{city.name}{rng.choice(GOV_BODIES)}" if rng.random() < 0.5
               else "".join(rng.sample(BRAND_SYLLABLES, 2)) + rng.choice(ORG_HEADS))
        art.entity("Organization", org)
        s = f"{abbrev or union}联合{org},在{rng.choice(SITES)}周边建成服务点位{rng.randint(3, 40)}个。"
        art.fact(union, "partners_with", org, s)
        if org.startswith(city.name):
            art.fact(org, "located_in", city.name, s)
        paras.append(s)
    if rng.random() < 0.8:
        person, role = _person(rng), rng.choice(ROLES)
        art.entity("Person", person)
        s = (f"“我们要让{g_text}在城市里有归属感。”{union}{role}{person}{rng.choice(SPEAK)},"
             f"“{core}”{head}将持续优化服务内容。")
        art.relations.append({"subject": person, "predicate": "has_role", "object": union, "evidence": s,
                              "role": role})
        paras.append(s)
    if rng.random() < 0.5:
        brand = rng.choice(BRANDS)
        group2 = rng.choice(groups)
        art.entity("Initiative", brand)
        art.entity("WorkerGroup", group2.name, group2.name)
        s = f"此外,{abbrev or union}还建成{brand},为{group2.name}提供{rng.choice(AMENITIES)}服务。"
        art.fact(union, "runs", brand, s)
        art.fact(brand, "serves", group2.name, s)
        paras.append(s)
    paras += [f.format(n=rng.randint(100, 9000), k=rng.randint(3, 90)) for f in rng.sample(FILLER, rng.randint(1, 3))]
    rng.shuffle(paras)
    art.paragraphs += paras
    return art


def page_text(articles: list[Article]) -> str:
    """A page laid out like the seeds: blank lines between paragraphs, wider gaps between articles."""
    return "\n\n\n".join(a.headline + "\n\n" + "\n\n".join(a.paragraphs) for a in articles) + "\n"


def pages(size: int, seed: int) -> Iterator[tuple[str, list[Article], str]]:
    """(file name, articles, text) per page until `size` bytes of text have been written."""
    rng = random.Random(seed)
    places, groups = Places.load(), worker_groups()
    written, n = 0, 0
    while written < size:
        n += 1
        arts = [make_article(rng, places, groups) for _ in range(rng.randint(3, 6))]
        text = page_text(arts)
        written += len(text.encode("utf-8"))
        yield f"page_{n:05d}.txt", arts, text


def generate(size: int, out: Path, seed: int = 1) -> dict[str, int]:
    """Write the corpus under out/pages and its gold facts to out/truth.jsonl; return counts."""
    (out / "pages").mkdir(parents=True, exist_ok=True)
    counts = {"pages": 0, "articles": 0, "bytes": 0, "relations": 0}
    with (out / "truth.jsonl").open("w", encoding="utf-8", newline="\n") as gold:
        for name, arts, text in pages(size, seed):
            (out / "pages" / name).write_text(text, encoding="utf-8", newline="\n")
            for a in arts:
                gold.write(json.dumps(a.record(name), ensure_ascii=False) + "\n")
                counts["relations"] += len(a.relations)
            counts["pages"] += 1
            counts["articles"] += len(arts)
            counts["bytes"] += len(text.encode("utf-8"))
    return counts


@click.command()
@click.option("--size", default="1MB", show_default=True, help="Corpus size (1MB, 10MB, 100MB, 500KB).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for pages/ and truth.jsonl.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed → same corpus).")
def main(size: str, out: Path, seed: int) -> None:
    """Generate a synthetic union-news corpus with its planted facts.

    \b
    Example:
      python -m bench.generate --size 10MB --out /tmp/corpus-10MB --seed 1
    """
    counts = generate(parse_size(size), out, seed)
    click.echo("  ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
