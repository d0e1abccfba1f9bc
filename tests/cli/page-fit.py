#!/usr/bin/env python3
"""Does a finding's page fit a projector and an A4 sheet? tests/cli/html.sh runs it.

    page-fit.py CHROMIUM PAGE [--toggle]

Opens PAGE (an `iowq-check --format html` page) in headless Chromium, driven over the DevTools
protocol on a pipe (--remote-debugging-pipe; the standard library only), and measures the
schedule table the page shows:

  - on screens 1024x768 and 1280x800 (projectors: XGA and WXGA), and in print layout on A4
    (210 mm at 96 px to the inch, less Chromium's default margins of 0.4 in a side), every lane
    of the table shown, and every cell, must end inside the page's width, and the page must not
    scroll sideways: no column lost off the right edge;
  - Page.printToPDF on A4 must give a PDF;
  - with --toggle, the page's two views must toggle: one table shown (the story's or every
    step's), and after a click on the other's label, that one alone.

Prints what it measured; exits 1 if a check fails (and says which), 2 if Chromium cannot be
driven. The measuring is Chromium's own layout (Runtime.evaluate in the page's context); the
page itself runs no script.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

A4_WIDTH_IN, A4_HEIGHT_IN, MARGIN_IN = 8.27, 11.69, 0.4
SCREENS = [(1024, 768), (1280, 800)]


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="page-fit-")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()

        # Chromium reads commands on fd 3 and writes its answers on fd 4. The pipe's ends are
        # first copied above every fd in use, so that neither dup2() closes the other's source.
        def pipe_fds():
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=pipe_fds)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.w = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.r = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self):
        while b"\0" not in self.buf:
            chunk = self.r.read(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and m.get("sessionId") == session:
                    del self.events[i]
                    return m
            self.events.append(self._read_message())

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


# In the page: the schedule table shown (the one not display:none), and what sticks out of the
# page's width: lanes, cells and the document itself.
MEASURE = """
(() => {
  const width = document.documentElement.clientWidth;
  const shown = [...document.querySelectorAll('table.schedule')]
    .filter(t => t.getClientRects().length > 0);
  const out = {width, scroll: document.documentElement.scrollWidth,
               tables: shown.map(t => t.id), lanes: [], outside: []};
  for (const t of shown) {
    for (const th of t.querySelectorAll('th.lane')) {
      const r = th.getBoundingClientRect();
      out.lanes.push({name: th.textContent, right: Math.round(r.right)});
    }
    for (const cell of t.querySelectorAll('th, td')) {
      const r = cell.getBoundingClientRect();
      if (r.right > width + 0.5 && out.outside.length < 5)
        out.outside.push((cell.textContent || '').slice(0, 40) + ' ends at ' + Math.round(r.right));
    }
  }
  return out;
})()
"""


def measure(b, s, what):
    res = b.call("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, s)
    m = res["result"]["value"]
    problems = []
    if not m["tables"]:
        problems.append("no schedule table is shown")
    if m["scroll"] > m["width"]:
        problems.append(f"the page is {m['scroll']} px wide in a window of {m['width']}")
    for lane in m["lanes"]:
        if lane["right"] > m["width"]:
            problems.append(f"lane {lane['name']} ends at {lane['right']} px, past {m['width']}")
    problems += ["a cell sticks out: " + o for o in m["outside"]]
    print(f"  {what}: table {','.join(m['tables'])}, {len(m['lanes'])} lanes, "
          f"the last ending at {max([l['right'] for l in m['lanes']] or [0])} px of "
          f"{m['width']}" + ("" if not problems else ": " + "; ".join(problems)))
    return problems


def shown_tables(b, s):
    res = b.call("Runtime.evaluate", {
        "expression": "[...document.querySelectorAll('table.schedule')]"
                      ".filter(t => t.getClientRects().length > 0).map(t => t.id)",
        "returnByValue": True}, s)
    return res["result"]["value"]


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    chromium, page = sys.argv[1], os.path.abspath(sys.argv[2])
    toggle = "--toggle" in sys.argv[3:]
    try:
        b = Browser(chromium)
    except OSError as e:
        print(f"page-fit: cannot start {chromium}: {e}")
        return 2
    problems = []
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        b.call("Page.enable", {}, s)
        b.call("Page.navigate", {"url": "file://" + page}, s)
        b.wait_event("Page.loadEventFired", s)

        for w, h in SCREENS:
            b.call("Emulation.setDeviceMetricsOverride",
                   {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False}, s)
            problems += measure(b, s, f"screen {w}x{h}")

        # A4 in print layout: the printable width at 96 px to the inch.
        printable = round((A4_WIDTH_IN - 2 * MARGIN_IN) * 96)
        b.call("Emulation.setEmulatedMedia", {"media": "print"}, s)
        b.call("Emulation.setDeviceMetricsOverride",
               {"width": printable, "height": round((A4_HEIGHT_IN - 2 * MARGIN_IN) * 96),
                "deviceScaleFactor": 1, "mobile": False}, s)
        problems += measure(b, s, f"print on A4 ({printable} px wide)")
        b.call("Emulation.clearDeviceMetricsOverride", {}, s)
        pdf = b.call("Page.printToPDF", {"paperWidth": A4_WIDTH_IN, "paperHeight": A4_HEIGHT_IN,
                                         "marginTop": MARGIN_IN, "marginBottom": MARGIN_IN,
                                         "marginLeft": MARGIN_IN, "marginRight": MARGIN_IN}, s)
        data = base64.b64decode(pdf["data"])
        print(f"  printToPDF on A4: {len(data)} bytes")
        if not data.startswith(b"%PDF"):
            problems.append("printToPDF did not give a PDF")
        b.call("Emulation.setEmulatedMedia", {"media": ""}, s)

        if toggle:
            # Click the label of the view not shown; the page must show that one alone.
            before = shown_tables(b, s)
            other = {"story": "run", "run": "story"}.get(before[0] if len(before) == 1 else "")
            label = {"run": "view-full", "story": "view-story"}.get(other, "view-full")
            b.call("Runtime.evaluate",
                   {"expression": f"document.querySelector('label[for={label}]').click()"}, s)
            after = shown_tables(b, s)
            print(f"  toggle: shown {before}, after a click on {label}'s label {after}")
            if other is None or after != [other]:
                problems.append(f"the views do not toggle: {before} then {after}")
    except (RuntimeError, KeyError, OSError) as e:
        print(f"page-fit: driving Chromium failed: {e}")
        b.close()
        return 2
    b.close()
    if problems:
        print("page-fit: " + "; ".join(problems[:3]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
