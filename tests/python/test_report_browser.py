"""kcsim report checked in a real browser: headless Chromium (Debian's ``chromium``) driven over
the DevTools protocol on a pipe, with the network switched off. For a compare, a run and a sweep
file it asserts: no console errors or exceptions, no request leaves file: and data: URLs, every
chart drawn, the map's 38 district paths and 3 zone markers filled, hover showing both names,
the summary's numbers equal to the HDF5 file's, the Chinese names drawn with the embedded font,
and the page loaded in under 2 s (the figure is printed). A screenshot of each section goes to
build/report-screenshots/ for people to look at.

The test skips only where no Chromium can be had; scripts/install-deps.sh installs it, so under
CI (CI set) a missing browser fails the test instead."""

from __future__ import annotations

import base64
import json
import math
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import REPO_ROOT

SHORT = "[calendar]\nend = 2021-06-27\n"


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("no chromium under CI: scripts/install-deps.sh installs Debian's chromium")
    pytest.skip("no chromium on this machine (scripts/install-deps.sh installs it)")


class Browser:
    """A minimal DevTools protocol client over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, exe: str, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds():
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        args = [exe, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--lang=en-US",
                f"--user-data-dir={profile}", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=fds, pass_fds=(3, 4), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.inbox: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        self._id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                self.inbox.put(None)
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self.inbox.put(json.loads(msg))

    def send(self, method: str, params=None, session=None, timeout=30.0) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self.inbox.get(timeout=max(0.1, deadline - time.monotonic()))
            if m is None:
                raise RuntimeError("chromium closed the pipe")
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, session: str, since: int, timeout=30.0) -> dict:
        """The first ``method`` event of ``session`` among the events from index ``since`` on."""
        deadline = time.monotonic() + timeout
        for e in self.events[since:]:
            if e.get("method") == method and e.get("sessionId") == session:
                return e
        while time.monotonic() < deadline:
            try:
                m = self.inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            if m is None:
                raise RuntimeError("chromium closed the pipe")
            self.events.append(m)
            if m.get("method") == method and m.get("sessionId") == session:
                return m
        raise TimeoutError(method)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Page:
    def __init__(self, browser: Browser):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for m in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable", "DOM.enable", "CSS.enable"):
            self.send(m)
        self.send("Network.emulateNetworkConditions",
                  {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method, params=None, timeout=30.0):
        return self.b.send(method, params, self.s, timeout)

    def js(self, expr: str):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise AssertionError(f"{expr[:80]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def events(self, method):
        return [e["params"] for e in self.b.events if e.get("method") == method and e.get("sessionId") == self.s]


def _problems(page: Page) -> list[str]:
    out = [f"exception: {e['exceptionDetails'].get('text')} {e['exceptionDetails'].get('exception', {}).get('description', '')}"
           for e in page.events("Runtime.exceptionThrown")]
    out += [f"console.{e['type']}: {[a.get('value') for a in e['args']]}" for e in page.events("Runtime.consoleAPICalled")
            if e["type"] in ("error", "assert")]
    out += [f"log {e['entry']['level']}: {e['entry']['text']}" for e in page.events("Log.entryAdded")
            if e["entry"]["level"] == "error"]
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(_browser(), tmp_path_factory.mktemp("chromium-profile"))
    b.send("Browser.getVersion")
    yield b
    b.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory, run_kcsim):
    d = tmp_path_factory.mktemp("report")
    (d / "short.toml").write_text('extends = "builtin:base/programme-2021.toml"\nname = "plan"\n' + SHORT)
    (d / "off.toml").write_text('extends = "short.toml"\nname = "no-programme"\n[programme]\nenabled = false\n')
    (d / "sweep.toml").write_text(
        'name = "screen"\nscenario = "short.toml"\ndesign = "morris"\nsamples = 2\nreplicates = 1\n'
        'outcomes = ["needs_solved", "tech_firms"]\n'
        '[[uncertain]]\nkey = "enterprise.need_rate"\nmin = 0.5\nmax = 1.5\n'
        '[[uncertain]]\nkey = "experts.solve_prob"\nmin = 0.3\nmax = 0.7\n')
    cmds = {"compare": ["compare", d / "off.toml", d / "short.toml", "--replicates", "3"],
            "run": ["run", d / "short.toml", "--replicates", "3"],
            "sweep": ["sweep", d / "sweep.toml"]}
    out = {}
    for kind, args in cmds.items():
        h5 = d / f"{kind}.h5"
        r = run_kcsim(*args, "--out", h5, "--threads", "2", "--quiet")
        assert r.returncode == 0, r.stderr
        r = run_kcsim("report", h5)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(h5.with_suffix(".html"))
        out[kind] = h5
    return out


def _screens_dir() -> Path:
    kbin = Path(os.environ.get("KCSIM_BIN", REPO_ROOT / "build" / "bin" / "kcsim")).resolve()
    d = kbin.parents[1] / "report-screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _open(browser, html: Path):
    page = Page(browser)
    since = len(browser.events)
    t0 = time.monotonic()
    page.send("Page.navigate", {"url": html.resolve().as_uri()})
    browser.wait_event("Page.loadEventFired", page.s, since)
    wall = time.monotonic() - t0
    for _ in range(100):
        if page.js("document.body && document.body.dataset.rendered") == "1":
            break
        time.sleep(0.05)
    page.js("document.fonts.ready.then(() => true)")
    nav = page.js("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
    load_ms = json.loads(nav)["loadEventEnd"]
    print(f"\n{html.name}: {html.stat().st_size:,} bytes; load event {load_ms:.0f} ms after navigation start "
          f"(navigation timing); {wall * 1000:.0f} ms wall clock from Page.navigate")
    return page, load_ms


def _check_common(page: Page, kind: str, load_ms: float):
    assert _problems(page) == []
    urls = [e["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    assert all(u.startswith(("file:", "data:")) for u in urls), urls
    assert load_ms < 2000, f"the page took {load_ms:.0f} ms to load"
    # Every chart is drawn: a non-empty box with marks in it.
    charts = page.js("""Array.from(document.querySelectorAll('svg.chart')).map(s => {const r = s.getBoundingClientRect();
        return {id: s.id, w: r.width, h: r.height, marks: s.querySelectorAll('polyline[points]:not([points=""]),circle,rect.bar').length};})""")
    assert charts, "no charts"
    for c in charts:
        assert c["w"] > 100 and c["h"] > 50 and c["marks"] > 0, c
    # The embedded font is loaded and used for the Chinese text (no tofu).
    status = page.js("Array.from(document.fonts).filter(f => f.family.includes('KcsimSans')).map(f => f.status)")
    assert status == ["loaded"], status
    # One screenshot per section.
    sections = page.js("Array.from(document.querySelectorAll('main section')).map(s => s.id)")
    shots = _screens_dir()
    for sid in sections:
        box = page.js(f"(() => {{const r = document.getElementById('{sid}').getBoundingClientRect();"
                      "return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};})()")
        png = page.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {
            "x": box["x"], "y": box["y"], "width": box["w"], "height": min(box["h"], 4000), "scale": 1}})
        data = base64.b64decode(png["data"])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
        (shots / f"{kind}-{sid}.png").write_bytes(data)
    return sections


def _font_of(page: Page, selector: str) -> list[dict]:
    root = page.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = page.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    return page.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def _shown_number(text: str) -> float:
    """'+7,630 needs (+8.8%)' -> 7630.0; '12.3%' -> 0.123."""
    m = re.match(r"\s*([+−-]?)([\d,]+(?:\.\d+)?)(%?)", text)
    assert m, text
    v = float(m.group(2).replace(",", ""))
    v = -v if m.group(1) in ("−", "-") else v
    return v / 100 if m.group(3) else v


def _close(shown: float, exact: float) -> bool:
    # Three significant figures, whole numbers below 100,000.
    return abs(shown - exact) <= max(0.5, 0.005 * abs(exact)) + 1e-9


def _check_map(page: Page):
    counts = page.js("""({regions: document.querySelectorAll('#districtmap path.district').length,
        filled: Array.from(document.querySelectorAll('#districtmap path.district')).filter(p => p.getAttribute('fill') &&
                p.getAttribute('fill') !== '#ccc' && p.getAttribute('d').length > 20).length,
        zones: document.querySelectorAll('#districtmap .zone-marker').length,
        ids: new Set(Array.from(document.querySelectorAll('#districtmap path.district')).map(p => p.dataset.id)).size})""")
    assert counts == {"regions": 38, "filled": 38, "zones": 3, "ids": 38}, counts
    # Hover over Wanzhou: the tooltip names it in both languages with a value and an interval.
    box = page.js("(() => {const r = document.querySelector('#districtmap path[data-id=wanzhou]').getBoundingClientRect();"
                  "r.x, r.y; scrollTo(0, r.top + scrollY - 200); const q = document.querySelector("
                  "'#districtmap path[data-id=wanzhou]').getBoundingClientRect(); return {x: q.x + q.width / 2, y: q.y + q.height / 2};})()")
    page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box["x"], "y": box["y"]})
    tip = page.js("document.getElementById('tip').innerText")
    assert "Wanzhou" in tip and "万州区" in tip and re.search(r"\d", tip) and "…" in tip, tip
    # A functional zone's marker answers too.
    box = page.js("(() => {const q = document.querySelector('#districtmap .zone-marker[data-id=liangjiang]')"
                  ".getBoundingClientRect(); return {x: q.x + q.width / 2, y: q.y + q.height / 2};})()")
    page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box["x"], "y": box["y"]})
    tip = page.js("document.getElementById('tip').innerText")
    assert "Liangjiang New Area" in tip and "两江新区" in tip, tip
    # Choosing another metric recolours the map and redraws the tables.
    before = page.js("document.querySelector('#districtmap path[data-id=wanzhou]').getAttribute('fill')")
    page.js("(() => {const s = document.getElementById('sel-metric'); s.value = 'pilot_status';"
            "s.dispatchEvent(new Event('change')); return 1;})()")
    assert page.js("document.querySelector('.unit-note').textContent").startswith("Pilot districts")
    page.js("(() => {const s = document.getElementById('sel-metric'); s.value = 'needs_solved';"
            "s.dispatchEvent(new Event('change')); return 1;})()")
    assert page.js("document.querySelector('#districtmap path[data-id=wanzhou]').getAttribute('fill')") == before
    # Chinese names are drawn with the embedded font.
    fonts = _font_of(page, "#tbl-districts tbody tr td:nth-child(2)")
    assert sum(f["glyphCount"] for f in fonts if f["isCustomFont"]) >= 2, fonts
    # The district table has every district and sorts by a column.
    assert page.js("document.querySelectorAll('#tbl-districts tbody tr').length") == 41
    col = page.js("""(() => {const th = document.querySelectorAll('#tbl-districts th')[3]; th.click();
        return Array.from(document.querySelectorAll('#tbl-districts tbody tr')).map(r => parseFloat(r.cells[3].dataset.sort));})()""")
    assert col == sorted(col, reverse=True)


def test_compare_report_in_chromium(browser, files):
    page, load_ms = _open(browser, files["compare"].with_suffix(".html"))
    sections = _check_common(page, "compare", load_ms)
    assert sections == ["summary", "fans", "diffs", "map", "tables", "ledger", "provenance"]
    assert page.js("document.querySelectorAll('#diffs svg.forest').length") == 8
    assert page.js("document.querySelectorAll('#diffs svg.fan').length") == 8
    _check_map(page)
    cards = page.js("""Array.from(document.querySelectorAll('#summary .card')).map(c => ({metric: c.dataset.metric,
        scenario: c.dataset.scenario, stat: c.dataset.stat, value: parseFloat(c.dataset.value),
        lo: c.dataset.lo === undefined ? null : parseFloat(c.dataset.lo), text: c.querySelector('.v').textContent}))""")
    with h5py.File(files["compare"]) as f:
        c = f["comparison"]
        stat = [s.decode() for s in c["statistic"][:]]
        metric = [m.decode() for m in c["metric"][:]]
        scen = [s.decode() for s in c["scenario"][:]]
        summary = c["summary"][:]
        targets = c["targets"][:]
        tnames = [t.decode() for t in c["target"][:]]
        seed = str(f.attrs["seed"])
    assert {x["stat"] for x in cards} == {"diff_mean", "mean"} and len(cards) == 8
    for x in cards:
        exact = summary[scen.index(x["scenario"]), metric.index(x["metric"]), stat.index(x["stat"])]
        assert x["value"] == exact, x
        assert _close(_shown_number(x["text"]), exact), x
        if x["lo"] is not None:
            assert x["lo"] == summary[scen.index(x["scenario"]), metric.index(x["metric"]), stat.index("diff_lo95")]
    shown = page.js("Array.from(document.querySelectorAll('#tbl-targets td[data-target]')).map(t => "
                    "[t.dataset.target, t.dataset.scenario, parseFloat(t.dataset.value), t.textContent])")
    assert len(shown) == len(tnames) * len(scen)
    for t, s, v, text in shown:
        assert v == targets[scen.index(s), tnames.index(t)]
        assert _close(_shown_number(text) * 100, v * 100)
    assert seed in page.js("document.getElementById('provenance').innerText")
    # The page's script formats numbers as the summary does (tables and tooltips use it).
    from kcsim.reporting.numbers import number
    cases = [(47581.3, "", False), (2734420.0, "", False), (46.4166, "", False), (0.000123456, "", False),
             (-1234.4, "", True), (0.1234, "share", False), (1230.0, "", True), (0.0, "", False)]
    shown = page.js("[" + ",".join(f"num({v!r},{u!r},{str(sg).lower()})" for v, u, sg in cases) + "]")
    assert shown == [number(v, u, sg) for v, u, sg in cases]


def test_run_report_in_chromium(browser, files):
    page, load_ms = _open(browser, files["run"].with_suffix(".html"))
    sections = _check_common(page, "run", load_ms)
    assert sections == ["summary", "fans", "map", "tables", "ledger", "provenance"]
    _check_map(page)
    cards = page.js("Array.from(document.querySelectorAll('#summary .card')).map(c => [c.dataset.metric, "
                    "parseFloat(c.dataset.value), c.querySelector('.v').textContent])")
    with h5py.File(files["run"]) as f:
        g = f["scenarios/plan"]
        names = [m.decode() for m in g["metric"][:]]
        kinds = [k.decode() for k in g["metric_kind"][:]]
        ok = g["replicate_ok"][:] == 1
        metrics = g["metrics"][:][ok]                           # (R, T, D, M)
    assert cards
    for m, value, text in cards:
        k = names.index(m)
        city = metrics[:, :, :, k].sum(axis=2)                  # the headline metrics are sums
        per_rep = city.sum(axis=1) if kinds[k] == "flow" else city[:, -1]
        assert math.isclose(value, per_rep.mean(), rel_tol=1e-12, abs_tol=1e-9), (m, value, per_rep.mean())
        assert _close(_shown_number(text), value), (m, text)


def test_sweep_report_in_chromium(browser, files):
    page, load_ms = _open(browser, files["sweep"].with_suffix(".html"))
    sections = _check_common(page, "sweep", load_ms)
    assert sections == ["summary", "sensitivity", "provenance"]
    assert page.js("document.querySelectorAll('#sensitivity svg.chart').length") == 2
    with h5py.File(files["sweep"]) as f:
        s = f["sweep"]
        outcomes = s["outcomes"][:]
        metric = [m.decode() for m in s["metric"][:]]
    cards = page.js("Array.from(document.querySelectorAll('#summary .card')).map(c => [c.dataset.metric, "
                    "parseFloat(c.dataset.value)])")
    for m, v in cards:
        x = outcomes[:, :, metric.index(m)].ravel()
        assert math.isclose(v, float(np.mean(x)), rel_tol=1e-12)


def test_chinese_page_in_chromium(browser, files, tmp_path, run_kcsim):
    out = tmp_path / "zh.html"
    r = run_kcsim("report", files["compare"], "--lang", "zh", "--baseline", "plan", "--out", out)
    assert r.returncode == 0, r.stderr
    page, load_ms = _open(browser, out)
    assert _problems(page) == []
    assert page.js("document.querySelector('#summary h2').textContent") == "摘要"
    fonts = _font_of(page, "#summary h2")
    assert sum(f["glyphCount"] for f in fonts if f["isCustomFont"]) == 2, fonts
    # Against plan, no-programme's difference is the opposite of plan's against no-programme.
    v = page.js("parseFloat(document.querySelector('#summary .card[data-stat=diff_mean][data-metric=needs_solved]').dataset.value)")
    with h5py.File(files["compare"]) as f:
        c = f["comparison"]
        stat = [s.decode() for s in c["statistic"][:]]
        metric = [m.decode() for m in c["metric"][:]]
        exact = c["summary"][1, metric.index("needs_solved"), stat.index("diff_mean")]
    assert math.isclose(v, -exact, rel_tol=1e-9)
    png = page.send("Page.captureScreenshot", {"format": "png"})
    (_screens_dir() / "compare-zh-top.png").write_bytes(base64.b64decode(png["data"]))


def test_calibration_report_in_chromium(browser, tmp_path, run_kcsim):
    from test_report import PRIOR, SMALL_CITY, TARGETS  # the tiny calibration of the fast tests (~2 s)

    (tmp_path / "small.toml").write_text(SMALL_CITY)
    (tmp_path / "prior.toml").write_text(PRIOR)
    (tmp_path / "targets.toml").write_text(TARGETS)
    r = run_kcsim("calibrate", "targets.toml", "--parameters", "prior.toml", "--waves", 2, "--abc-runs", 60,
                  "--draws", 20, "--threads", 2, "--out", "cal.h5", "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_kcsim("report", tmp_path / "cal.h5")
    assert r.returncode == 0, r.stderr
    page, load_ms = _open(browser, tmp_path / "cal.html")
    sections = _check_common(page, "calibration", load_ms)
    assert sections == ["summary", "targets", "waves", "posterior", "provenance"]
    with h5py.File(tmp_path / "cal.h5") as f:
        waves = int(f["calibration"].attrs["waves"])
        params = len(f["posterior/parameter"])
        targets = len(f["calibration/target"])
    marks = page.js("""Object.fromEntries(['cal-waves', 'cal-posterior', 'cal-targets'].map(id =>
        [id, document.querySelectorAll('#' + id + ' rect.bar, #' + id + ' circle.dot').length]))""")
    assert marks == {"cal-waves": waves + 1, "cal-posterior": 2 * params, "cal-targets": targets}, marks
    # The targets table sorts like the others: by observed value, descending after two clicks.
    page.js("document.querySelectorAll('#tbl-targets th')[4].click()")
    first = page.js("Array.from(document.querySelectorAll('#tbl-targets tbody tr')).map(r => parseFloat(r.dataset.observed))")
    page.js("document.querySelectorAll('#tbl-targets th')[4].click()")
    second = page.js("Array.from(document.querySelectorAll('#tbl-targets tbody tr')).map(r => parseFloat(r.dataset.observed))")
    assert sorted(first) in (first, second) and sorted(first, reverse=True) in (first, second)


def test_selection_report_in_chromium(browser, tmp_path, run_kcsim):
    from test_report import DECISION, REFERENCE, SMALL_CITY  # the small decision of the fast tests

    (tmp_path / "small.toml").write_text(SMALL_CITY)
    (tmp_path / "ref.toml").write_text(REFERENCE)
    (tmp_path / "pick.toml").write_text(DECISION.replace('parameters = "cal.h5"\n', ""))
    r = run_kcsim("select", "pick.toml", "--threads", 2, "--out", "sel.h5", "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_kcsim("report", tmp_path / "sel.h5")
    assert r.returncode == 0, r.stderr
    page, load_ms = _open(browser, tmp_path / "sel.html")
    sections = _check_common(page, "selection", load_ms)
    assert sections == ["summary", "ranking", "why", "search", "discovery", "map", "provenance"]
    with h5py.File(tmp_path / "sel.h5") as f:
        s = f["selection"]
        finalists = len(s["portfolio"])
        best = s["districts"].asstr()[0].split(",")
        p_best = s["p_best"][:]
    marks = page.js("""Object.fromEntries(['sel-gains', 'sel-pbest', 'sel-contrib'].map(id =>
        [id, document.querySelectorAll('#' + id + ' rect.bar, #' + id + ' circle.dot').length]))""")
    assert marks == {"sel-gains": finalists, "sel-pbest": finalists, "sel-contrib": len(best)}, marks
    # The map: 38 district paths and 3 zone markers, all filled; the best's districts in the darkest fill.
    fills = page.js("""Array.from(document.querySelectorAll('#selectionmap path')).map(p =>
        [p.dataset.id, p.getAttribute('class'), getComputedStyle(p).fill])""")
    assert len(fills) == 41 and all(f[2] not in ("", "none") for f in fills)
    assert sorted(i for i, c, _ in fills if c == "sel-best") == sorted(best)
    assert len({f for _, c, f in fills if c == "sel-best"}) == 1
    # The ranking table sorts by P(best).
    head = page.js("Array.from(document.querySelectorAll('#tbl-selection th')).map(t => t.textContent)")
    page.js(f"document.querySelectorAll('#tbl-selection th')[{head.index('P(best)')}].click()")
    shown = page.js("Array.from(document.querySelectorAll('#tbl-selection tbody tr')).map(r => parseFloat(r.dataset.pBest))")
    assert sorted(shown) == sorted(float(p) for p in p_best) and shown in (sorted(shown), sorted(shown, reverse=True))
