"""The page in real headless Chromium (Debian's package, driven by Playwright): issue 6."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

import kg
from kg.config import Settings
from kg.errors import KgError
from kg.render import _safe_json, page_data, render_page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("KG_SCREENSHOTS", ROOT / "test-screenshots"))  # what each browser test saw
PAYLOAD = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE = [
    f"<script>{PAYLOAD}</script>",
    f'<img src=x onerror="{PAYLOAD}">',
    f'"><svg onload="{PAYLOAD}">',
    f"</script><script>{PAYLOAD}</script>",
    f"<!--<script>{PAYLOAD}</script>",
    "javascript:" + PAYLOAD,
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium; browser tests skip without it, except under ``KG_REQUIRE_BROWSER=1`` (CI)."""
    required = os.environ.get("KG_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("KG_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        if required:
            pytest.fail(f"KG_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield launched
        launched.close()


class Page:
    """A page opened from disk with every outside request blocked and recorded, and errors collected."""

    def __init__(self, browser, path: Path, fragment: str = "", *, width: int = 1300, height: int = 850):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_selector("body[data-drawn=true]", timeout=20_000)

    def _route(self, route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def js(self, script: str):
        return self.page.evaluate(script)

    def visible_nodes(self) -> int:
        return self.js("window.network.body.data.nodes.get({filter: n => !n.hidden}).length")

    def click_node(self, node: str) -> None:
        """Click the node where it shows: at its centre, or where a node drawn over it leaves it uncovered."""
        point = self.js(
            f"(() => {{ const id = {json.dumps(node)}, net = window.network, p = net.getPosition(id);"
            " net.moveTo({position: p, scale: 1.5});"
            " const r = document.getElementById('graph').getBoundingClientRect(), size = net.body.nodes[id].options.size;"
            " for (let ring = 0; ring <= 4; ring++) for (let step = 0; step < 8; step++) {"
            "   const a = step * Math.PI / 4, d = net.canvasToDOM({x: p.x + Math.cos(a) * size * ring / 5,"
            "     y: p.y + Math.sin(a) * size * ring / 5});"
            "   if (net.getNodeAt(d) === id) return [d.x + r.left, d.y + r.top]; }"
            " const d = net.canvasToDOM(p); return [d.x + r.left, d.y + r.top]; })()"
        )
        self.page.mouse.click(*point)

    def panel(self) -> str:
        return self.page.inner_text("#panel")

    def shoot(self, request) -> Path:
        """A screenshot named after the running test, in SHOTS."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / (re.sub(r"[^\w.-]+", "_", request.node.name) + ".png")
        self.page.screenshot(path=path)
        return path


@pytest.fixture(scope="module")
def turntrout_page(turntrout_build):
    return turntrout_build[1] / "graph.html"


@pytest.fixture(params=["small_build", "turntrout_build"])
def built(request):
    """A build of the hand-written fixture corpus (always) and of TurnTrout's posts (with ../shared)."""
    return request.getfixturevalue(request.param)


@pytest.mark.browser
def test_page_loads_offline_and_draws_every_shown_concept(browser, built):
    page = Page(browser, built[1] / "graph.html")
    concepts = sum(1 for _, k in built[0].graph.nodes(data="kind") if k == "concept")
    assert page.visible_nodes() == min(300, concepts)
    assert page.js(
        "window.network.body.nodeIndices.filter(i => !window.network.body.nodes[i].options.hidden).length"
    ) == min(300, concepts)
    assert page.outside == [] and page.errors == []
    assert page.js("window.network.physics.options.enabled") is False


@pytest.mark.browser
@pytest.mark.parametrize(
    "build, query, name, click",
    [
        ("small_build", "RLHF", "reinforcement learning from human feedback", "sycophancy"),
        ("turntrout_build", "corrig", "corrigibility", "shard-theory"),
        ("turntrout_build", "AUP", "attainable utility preservation", "power-seeking"),
    ],
)
def test_search_focuses_and_click_shows_evidence(browser, request, build, query, name, click):
    """Search by name or abbreviation, focus with Enter, then click another concept for its evidence."""
    result, outdir = request.getfixturevalue(build)
    graph = result.graph
    slug = next(n for n, d in graph.nodes(data=True) if d.get("label") == name)
    page = Page(browser, outdir / "graph.html")
    page.page.fill("#search", query)
    assert page.page.inner_text("#suggestions li.active") == name
    page.page.keyboard.press("Enter")
    assert page.js("window.network.getSelectedNodes()") == [slug]
    assert page.panel().startswith(name + "\n")
    assert page.page.url.endswith(f"#concept={slug}")
    page.click_node(click)
    assert page.js("window.network.getSelectedNodes()") == [click]
    assert page.panel().startswith(graph.nodes[click]["label"] + "\n") and "Evidence" in page.panel()
    assert page.page.locator("#panel blockquote").count() >= 1
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_edge_click_shows_shared_sentences(browser, built):
    page = Page(browser, built[1] / "graph.html")
    edge = page.js(
        "window.kgData.edges.find(e => e.relation === 'co_occurs' && window.kgData.edge_evidence[e.id].length)"
    )
    page.js(
        f"window.network.selectEdges([{json.dumps(edge['id'])}]);"
        f" window.network.body.emitter.emit('click', {{nodes: [], edges: [{json.dumps(edge['id'])}]}}); null"
    )
    assert page.page.locator("#panel blockquote").count() >= 1
    assert " — " in page.page.inner_text("#panel h2")


@pytest.mark.browser
def test_deep_link_and_filters(browser, turntrout_page):
    page = Page(browser, turntrout_page, "#concept=power-seeking")
    assert page.panel().startswith("power-seeking\n")
    all_concepts = page.visible_nodes()
    page.page.select_option("#community", "0")
    in_community = page.visible_nodes()
    assert 0 < in_community < all_concepts
    page.page.select_option("#community", "")
    page.page.check("#kind-document")
    assert page.visible_nodes() > all_concepts
    page.page.check("#physics")
    assert page.js("window.network.physics.options.enabled") is True
    assert page.errors == []


def test_data_cannot_close_the_script_element():
    text = _safe_json({"t": "</script><script>alert(1)</script><!--"})
    assert "<" not in text and ">" not in text and json.loads(text) == {"t": "</script><script>alert(1)</script><!--"}


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    """A corpus whose titles, authors, URLs and text all carry script payloads."""
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    corpus.mkdir()
    for number, payload in enumerate(HOSTILE):
        (corpus / f"post{number}.md").write_text(
            f"---\ntitle: {json.dumps('Corrigibility ' + payload)}\nauthors: [{json.dumps(payload)}]\n"
            f"url: {json.dumps(payload if payload.startswith('javascript:') else 'https://x.org/' + payload)}\n"
            f"tags: [{json.dumps(payload)}]\n---\n\n"
            f"Corrigibility and deceptive alignment {payload} meet here. Mesa-optimizers {payload} and sycophancy.\n\n"
            f"See [{payload}](javascript:{PAYLOAD}) on corrigibility and sycophancy.\n",
            encoding="utf-8",
        )
    vocab = folder / "vocab.yaml"
    vocab.write_text(
        json.dumps(
            [
                {
                    "name": "hostile concept",
                    "aliases": ["deceptive alignment"],
                    "definition": HOSTILE[0] + HOSTILE[1],
                    "category": HOSTILE[2],
                }
            ]
        ),
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(kg.VocabularyError):  # its alias belongs to a built-in concept
            kg.build([corpus], folder / "out", settings=Settings(vocab_paths=(vocab,)))
        vocab.write_text(
            json.dumps(
                [
                    {
                        "name": "deceptive alignment",
                        "slug": "deceptive-alignment",
                        "definition": HOSTILE[0] + HOSTILE[1],
                        "category": HOSTILE[2],
                    }
                ]
            ),
            encoding="utf-8",
        )
        kg.build([corpus], folder / "out", settings=Settings(vocab_paths=(vocab,)))
    return folder / "out" / "graph.html"


def test_hostile_text_stays_inert_in_the_html(hostile_page):
    html = hostile_page.read_text(encoding="utf-8")
    script_start = html.index('<script type="application/json" id="kg-data">')
    data_end = html.index("</script>", script_start)
    assert html.count("<script>window.__pwned") == 0
    assert "onerror=" not in html[data_end:] and "onload=" not in html[data_end:]
    data = json.loads(html[script_start + len('<script type="application/json" id="kg-data">') : data_end])
    assert any(HOSTILE[0] in str(detail) for detail in data["concepts"].values())  # the text is there, as data


@pytest.mark.browser
def test_hostile_corpus_runs_no_payload(browser, hostile_page):
    page = Page(browser, hostile_page)
    for kind in ("document", "author"):
        page.page.check(f"#kind-{kind}")
    nodes = page.js("window.kgData.nodes.map(n => n.id)")
    assert len(nodes) > 10
    for node in nodes:
        page.click_node(node)
        page.js(f"window.kgFocus({json.dumps(node)}); null")
        for tab in page.page.locator("#panel .tabs button").all():
            tab.click()
            for more in page.page.locator("#panel button.link", has_text="why").all()[:3]:
                more.click()
            for link in page.page.locator("#panel a").all():
                assert link.get_attribute("href").startswith(("http://", "https://"))
    for edge in page.js("window.kgData.edges.map(e => e.id)"):
        page.js(f"window.network.body.emitter.emit('click', {{nodes: [], edges: [{json.dumps(edge)}]}}); null")
    for payload in HOSTILE:
        page.page.fill("#search", payload)
        page.page.keyboard.press("Enter")
    page.js("document.getElementById('as-of').value = '2020'; window.kgApply(); null")
    page.page.check("#colour-year")
    page.page.fill("#search", "corrig")
    for item in page.page.locator("#suggestions li").all():
        item.dispatch_event("mousedown")
        page.page.fill("#search", "corrig")
    page.page.goto(hostile_page.as_uri() + "#concept=" + "%3Cimg%20src%3Dx%20onerror%3D" + PAYLOAD)
    page.page.wait_for_selector("body[data-drawn=true]")
    assert page.js("window.__pwned") is None
    assert page.dialogs == [] and page.outside == []
    assert [e for e in page.errors if "Content Security Policy" not in e] == []


def test_page_data_shows_top_concepts_and_hides_documents(turntrout_build):
    result, _ = turntrout_build
    data = page_data(result.graph, Settings(max_nodes=50))
    concepts = [n for n in data["nodes"] if n["kind"] == "concept"]
    assert len(concepts) == 50 and not any(n["hidden"] for n in concepts)
    assert all(n["hidden"] for n in data["nodes"] if n["kind"] != "concept")
    per_node = {}
    for edge in data["edges"]:
        if edge["relation"] == "co_occurs":
            for node in (edge["from"], edge["to"]):
                per_node[node] = per_node.get(node, 0) + 1
    assert max(per_node.values()) <= 50  # each node keeps its 4 strongest; others' picks can add more
    soup = BeautifulSoup(render_page(result.graph, Settings(max_nodes=50)), "lxml")
    assert soup.find_all("link") == [] and soup.find_all(src=True) == []  # everything is inline
    assert len(soup.find_all("script")) == 3 and "Bootstrap" not in soup.get_text()


@pytest.mark.browser
def test_issue_10_a_malformed_deep_link_opens_the_overview(browser, small_build):
    page = Page(browser, small_build[1] / "graph.html", "#concept=%E0%A4%A")
    assert page.errors == [] and page.outside == []
    assert page.js("window.network.getSelectedNodes()") == []
    assert page.visible_nodes() == sum(1 for _, k in small_build[0].graph.nodes(data="kind") if k == "concept")


# Issue 12: a map people can read.

LABELS = """() => {
  const net = window.network, body = net.body, scale = net.getScale(), data = window.kgData;
  const rect = document.getElementById('graph').getBoundingClientRect();
  const boxes = [];
  for (const id of body.nodeIndices) {
    const node = body.nodes[id];
    if (node.options.hidden || node.options.font.size * scale < node.options.scaling.label.drawThreshold - 1) continue;
    const s = node.labelModule.size;  // canvas text metrics, in page units
    const a = net.canvasToDOM({x: s.left, y: s.top}), b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    boxes.push([a.x, a.y, b.x, b.y]);
  }
  let overlap = 0, area = 0;
  boxes.forEach((p, i) => {
    area += (p[2] - p[0]) * (p[3] - p[1]);
    boxes.slice(i + 1).forEach(q => {
      const w = Math.min(p[2], q[2]) - Math.max(p[0], q[0]), h = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
      if (w > 0 && h > 0) overlap += w * h;
    });
  });
  const top = Object.keys(data.concepts).sort((a, b) => data.concepts[b].count - data.concepts[a].count || (a < b ? -1 : 1)).slice(0, 30);
  const inView = id => { const p = net.canvasToDOM(net.getPosition(id)); return p.x >= 0 && p.y >= 0 && p.x <= rect.width && p.y <= rect.height; };
  return {drawn: boxes.length, overlap: overlap / area, topPx: top.map(id => body.nodes[id].options.font.size * scale),
          topInView: top.filter(inView).length};
}"""


@pytest.fixture(params=["turntrout_build", "whole_build"])
def real_build(request):
    return request.getfixturevalue(request.param)


@pytest.mark.browser
def test_issue_12_labels_read_at_first_sight_without_overlap(browser, real_build, request):
    """At 1600×1000 the 30 most mentioned concepts are labelled at 11 px or more, all in view, and the drawn labels
    (as vis-network measured them on its canvas) overlap each other by at most 5% of their area."""
    page = Page(browser, real_build[1] / "graph.html", width=1600, height=1000)
    labels = page.js(LABELS)
    page.shoot(request)
    assert min(labels["topPx"]) >= 11 and labels["topInView"] == 30
    assert 30 <= labels["drawn"] <= 60 and labels["overlap"] <= 0.05
    page.page.check("#kind-document")  # hundreds of documents join, their labels too small to show yet
    assert page.visible_nodes() > 300 and page.js(LABELS)["overlap"] <= 0.05
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_issue_12_search_finds_every_concept_and_draws_the_undrawn(browser, turntrout_build, request):
    graph = turntrout_build[0].graph
    page = Page(browser, turntrout_build[1] / "graph.html", width=1600, height=1000)
    concepts = {n: d for n, d in graph.nodes(data=True) if d.get("kind") == "concept"}
    missed = page.js(
        "Object.keys(kgData.concepts).filter(id => { const c = kgData.concepts[id];"
        " return [c.label].concat((c.aliases || '').split('|'), (c.abbreviations || '').split('|'))"
        ".filter(Boolean).some(name => !kgSearch(name).includes(id)); })"
    )
    assert page.js("Object.keys(kgData.concepts).length") == len(concepts) and missed == []
    titles = page.js("Object.keys(kgData.documents).filter(id => !kgSearch(kgData.documents[id].label).includes(id))")
    assert titles == []
    page.page.fill("#search", "debate")
    assert page.page.inner_text("#suggestions li.active") == "AI safety via debate"  # concepts rank first
    drawn = set(page.js("kgData.nodes.map(n => n.id)"))
    rare = max((n for n in concepts if n not in drawn), key=lambda n: (concepts[n]["count"], n))
    page.page.fill("#search", concepts[rare]["label"])
    page.page.keyboard.press("Enter")
    assert page.js("window.network.getSelectedNodes()") == [rare]
    assert page.panel().startswith(concepts[rare]["label"] + "\n")
    shown = set(page.js("window.network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    strongest = [n["id"] for n in page.js(f"kgData.concepts[{json.dumps(rare)}].neighbours")][:5]
    links = page.js(f"network.getConnectedNodes({json.dumps(rare)})")
    assert rare in shown - drawn and strongest and set(strongest) <= shown and set(strongest) <= set(links)
    page.shoot(request)
    assert page.errors == []


def _mentioning(graph, concept):
    return {d for d, _, k in graph.in_edges(concept, keys=True) if k == "mentions"}


@pytest.mark.browser
def test_issue_12_panels_give_a_reading_list_and_documents_their_links(browser, turntrout_build, request, tmp_path):
    graph = turntrout_build[0].graph
    page = Page(browser, turntrout_build[1] / "graph.html", "#concept=corrigibility", width=1600, height=1000)
    page.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tabs = page.page.locator("#panel .tabs button").all_inner_texts()
    reading = _mentioning(graph, "corrigibility")
    assert tabs[0].startswith("Evidence") and tabs[2] == f"Documents ({len(reading)})"
    page.page.click("#panel .tabs button[data-tab=Neighbours]")
    assert "× chance" in page.panel() and "co-occur" in page.panel()
    page.page.click("#panel .tabs button[data-tab=Documents]")
    assert page.page.locator("#panel ol > li").count() == len(reading) == graph.nodes["corrigibility"]["doc_count"]
    with page.page.expect_download() as download:
        page.page.click("text=Download CSV")
    rows = download.value.path().read_text(encoding="utf-8").splitlines()
    mentions = sorted((graph.edges[d, "corrigibility", "mentions"]["count"] for d in reading), reverse=True)
    assert rows[0] == "title,date,authors,url,mentions" and len(rows) == len(reading) + 1
    assert [int(r.rsplit(",", 1)[1]) for r in rows[1:]] == mentions
    page.page.click("text=Copy as Markdown")
    page.page.wait_for_selector("#panel .actions .meta:has-text('copied')")
    markdown = page.js("navigator.clipboard.readText()")
    assert markdown.startswith("## Reading list: corrigibility") and markdown.count("\n- ") == len(reading)
    page.shoot(request)
    cited = max(
        (d for d, k in graph.nodes(data="kind") if k == "document"),
        key=lambda d: (sum(1 for _, _, k in graph.in_edges(d, keys=True) if k == "cites"), d),
    )
    page.js(f"window.kgFocus({json.dumps(cited)}); null")
    tabs = page.page.locator("#panel .tabs button").all_inner_texts()
    concepts = sum(1 for _, _, k in graph.out_edges(cited, keys=True) if k == "mentions")
    cites = sum(1 for _, _, k in graph.out_edges(cited, keys=True) if k == "cites")
    cited_by = sum(1 for _, _, k in graph.in_edges(cited, keys=True) if k == "cites")
    assert tabs == [f"Concepts ({concepts})", f"Cites ({cites})", f"Cited by ({cited_by})"] and cited_by > 3
    author = next(a for a, _, k in graph.in_edges(cited, keys=True) if k == "wrote")
    page.page.click(f"#panel button.link:text-is({json.dumps(graph.nodes[author]['label'])})")
    written = sum(1 for _, _, k in graph.out_edges(author, keys=True) if k == "wrote")
    assert page.page.locator("#panel .tabs button").all_inner_texts()[0] == f"Documents ({written})"
    assert page.errors == []


@pytest.mark.browser
def test_issue_12_community_zoom_tooltips_and_physics_restore(browser, turntrout_build, request):
    page = Page(browser, turntrout_build[1] / "graph.html", width=1600, height=1000)
    overview = page.js("window.network.getScale()")
    page.page.select_option("#community", "0")
    members = page.js("kgData.nodes.filter(n => n.kind === 'concept' && n.community === 0).map(n => n.id)")
    assert page.visible_nodes() == len(members)
    view = page.js(
        "(() => { const r = document.getElementById('graph').getBoundingClientRect(); return kgData.nodes"
        ".filter(n => n.community === 0).every(n => { const p = network.canvasToDOM(network.getPosition(n.id));"
        " return p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height; }) })()"
    )
    assert view is True and page.js("window.network.getScale()") > overview
    page.shoot(request)
    page.page.select_option("#community", "")
    # the member with most room around it: under a big node's centre another may be drawn on top
    node = page.js(
        f"(() => {{ const ids = {json.dumps(members)}; const all = network.getPositions();"
        " const room = id => Math.min(...Object.entries(all).filter(([o]) => o !== id).map(([, p]) =>"
        " Math.hypot(p.x - all[id].x, p.y - all[id].y)));"
        " return ids.reduce((best, id) => room(id) > room(best) ? id : best); })()"
    )
    point = page.js(
        f"(() => {{ const p = network.canvasToDOM(network.getPosition({json.dumps(node)}));"
        " const r = document.getElementById('graph').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; })()"
    )
    page.page.mouse.move(*point)
    page.page.wait_for_selector(".vis-tooltip", state="visible", timeout=5000)
    tooltip = page.page.inner_text(".vis-tooltip")
    assert tooltip.startswith(turntrout_build[0].graph.nodes[node]["label"]) and "mentions in" in tooltip
    before = page.js("network.getPositions()")
    page.page.check("#physics")
    page.page.wait_for_timeout(700)
    assert page.js("network.getPositions()") != before
    page.page.uncheck("#physics")
    assert page.js("network.getPositions()") == before and page.errors == []


@pytest.mark.browser
def test_issue_12_the_field_as_of_a_year(browser, turntrout_build, request):
    graph = turntrout_build[0].graph
    page = Page(browser, turntrout_build[1] / "graph.html", width=1600, height=1000)
    visible_edges = "window.network.body.edgeIndices.length"  # what vis-network draws
    everything, links = page.visible_nodes(), page.js(visible_edges)
    year = 2019
    page.js(f"document.getElementById('as-of').value = '{year}'; window.kgApply(); null")
    drawn = page.js("kgData.nodes.filter(n => n.kind === 'concept').map(n => n.id)")

    def mentioned_by(node):
        years = dict(item.split(":") for item in (graph.nodes[node].get("years") or "").split("|") if item)
        return sum(int(n) for y, n in years.items() if int(y) <= year)

    assert page.visible_nodes() == sum(1 for n in drawn if mentioned_by(n)) < everything
    assert 0 < page.js(visible_edges) < links
    assert f"as of {year}" in page.page.inner_text("#status")
    sizes = page.js("Object.fromEntries(network.body.data.nodes.get().map(n => [n.id, n.size]))")
    largest = max(d["count"] for _, d in graph.nodes(data=True) if d.get("kind") == "concept")
    growing = [n for n in drawn if 0 < mentioned_by(n) < graph.nodes[n]["count"]]
    assert growing and all(  # sized by the mentions up to then, in whole pixels
        sizes[n] == math.floor(6 + 30 * math.sqrt(mentioned_by(n) / largest) + 0.5) for n in growing
    )
    page.shoot(request)
    page.js("document.getElementById('as-of').value = document.getElementById('as-of').max; window.kgApply(); null")
    assert page.visible_nodes() == everything and page.js(visible_edges) == links
    colours = page.js("network.body.data.nodes.get().map(n => n.color)")
    page.page.check("#colour-year")
    assert page.js("network.body.data.nodes.get().map(n => n.color)") != colours
    assert "Average year" in page.page.inner_text("#legend")
    assert page.errors == []


def test_issue_12_page_data_holds_every_concept_document_and_reading_list(turntrout_build):
    graph = turntrout_build[0].graph
    data = page_data(graph, Settings(max_nodes=50))
    concepts = [n for n, k in graph.nodes(data="kind") if k == "concept"]
    assert sorted(data["concepts"]) == sorted(concepts)
    assert len(data["documents"]) == sum(1 for _, k in graph.nodes(data="kind") if k == "document")
    for concept in concepts:
        assert {d for d, _ in data["concepts"][concept]["documents"]} == _mentioning(graph, concept)
    for edge in (e for e in data["edges"] if e["relation"] == "co_occurs"):
        assert edge["id"] in data["edge_evidence"]


def test_issue_12_a_missing_vis_network_bundle_is_a_clear_error(small_build, monkeypatch):
    monkeypatch.setattr("kg.render.VIS_NETWORK", "vis-0.0.0")
    with pytest.raises(KgError, match=r"vis-0.0.0 bundle is missing .* pip install 'pyvis>=0.3.2,<0.4'"):
        render_page(small_build[0].graph)
