"""The page in real headless Chromium (Debian's package, driven by Playwright): issue 6."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import kg
from kg.config import Settings
from kg.render import _safe_json, page_data, render_page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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

    def __init__(self, browser, path: Path, fragment: str = ""):
        self.page = browser.new_page(viewport={"width": 1300, "height": 850})
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
        point = self.js(
            f"(() => {{ const p = window.network.getPosition({json.dumps(node)});"
            f" window.network.moveTo({{position: p, scale: 1.5}});"
            f" const d = window.network.canvasToDOM(p); const r = document.getElementById('graph')"
            f".getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }})()"
        )
        self.page.mouse.click(*point)

    def panel(self) -> str:
        return self.page.inner_text("#panel")


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
    assert any(HOSTILE[0] in str(detail) for detail in data["details"].values())  # the text is there, as data


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
        for link in page.page.locator("#panel a").all():
            assert link.get_attribute("href").startswith(("http://", "https://"))
    for edge in page.js("window.kgData.edges.map(e => e.id)"):
        page.js(f"window.network.body.emitter.emit('click', {{nodes: [], edges: [{json.dumps(edge)}]}}); null")
    for box in ("#search", "#year-from", "#year-to"):
        for payload in HOSTILE:
            page.page.fill(box, payload if box == "#search" else "2020")
            page.page.keyboard.press("Enter")
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
    assert max(per_node.values()) <= 50  # each node keeps its 8 strongest; others' picks can add more
    soup = BeautifulSoup(render_page(result.graph, Settings(max_nodes=50)), "lxml")
    assert soup.find_all("link") == [] and soup.find_all(src=True) == []  # everything is inline
    assert len(soup.find_all("script")) == 3 and "Bootstrap" not in soup.get_text()


@pytest.mark.browser
def test_issue_10_a_malformed_deep_link_opens_the_overview(browser, small_build):
    page = Page(browser, small_build[1] / "graph.html", "#concept=%E0%A4%A")
    assert page.errors == [] and page.outside == []
    assert page.js("window.network.getSelectedNodes()") == []
    assert page.visible_nodes() == sum(1 for _, k in small_build[0].graph.nodes(data="kind") if k == "concept")
