#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HTML report in a real browser: headless Chromium (Debian's chromium)
renders the page of test_report_cli.py's result stream to a PNG, which must
not be blank, and dumps its DOM, which must hold the verdict, one heatmap
cell per NIC pair, one row per finding, and no element made of the hostile
server name. The page is opened from a file with the network off: it must
need nothing else (no script, no font, no stylesheet from anywhere).

Skips (exit 77) when chromium is not installed.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_report_cli as cli  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(tmp, *args):
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
           "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def png_pixels(path):
    """RGB(A) rows of an 8-bit PNG (what Chromium writes), unfiltered."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "unexpected PNG format"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w * bpp)
    stride = w * bpp
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    if not cli.BIN:
        print("LINERATE_BIN is not set (run under meson test)")
        return 77
    if not CHROMIUM:
        print("chromium is not installed (scripts/install-deps)")
        return 77
    tmp = os.environ.get("LR_HTML_KEEP") or tempfile.mkdtemp(prefix="lr-html-")
    with open(os.path.join(tmp, "t.yaml"), "w") as f:
        f.write(cli.TOPO)
    with open(os.path.join(tmp, "r.jsonl"), "w") as f:
        f.write(cli.stream(cli.flows()))
    rc, out, err = cli.run(["r.jsonl", "--topology", "t.yaml", "--json",
                            "--html", "h.html"], tmp)
    cli.check(rc == 1, "report: exit 1 (%d: %s)" % (rc, err))
    rep = json.loads(out)
    page = os.path.join(tmp, "h.html")
    html = open(page).read()
    cli.check("<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""),
        "no script, nothing fetched: the page is self-contained")

    rc, dom, err = chromium(tmp, "--dump-dom", "file://" + page)
    cli.check(rc == 0 and "</html>" in dom, "chromium dumps the DOM")
    cli.check('id="verdict" class="verdict fail">FAIL<' in dom,
              "the verdict at the top: FAIL")
    pairs = {(f["src"].split("/")[0], f["dst"].split("/")[0],
              f["src"].split("/")[1]) for f in rep["flows"]}
    cli.check(dom.count('class="cell"') == len(pairs),
              "one heatmap cell per server pair and rail: %d of %d" %
              (dom.count('class="cell"'), len(pairs)))
    cli.check(dom.count('class="finding"') == len(rep["findings"]),
              "one findings row per finding (%d)" % len(rep["findings"]))
    cli.check('id="legend"' in dom, "the heatmap has a legend")
    senders = {f["src"].split("/")[0] for f in rep["flows"]}
    cli.check(dom.count('class="bar"') == len(senders),
              "a bar per sending server (%d)" % len(senders))
    cli.check(dom.count('class="plot"') == 1,
              "a per-interval plot of the intermittent flow")
    cli.check("<script" not in dom and
              "x\"&amp;&lt;script&gt;alert(1)&lt;" in dom,
              "the hostile server name is text, not markup")

    png = os.path.join(tmp, "h.png")
    rc, _, err = chromium(tmp, "--screenshot=" + png,
                          "--window-size=1200,1600", "file://" + page)
    cli.check(rc == 0 and os.path.exists(png), "chromium renders a PNG")
    w, h, bpp, rows = png_pixels(png)
    colours, inked = set(), 0
    for row in rows[::4]:
        for x in range(0, w * bpp, bpp * 4):
            px = row[x:x + 3]
            colours.add(px)
            inked += px != b"\xff\xff\xff"
    cli.check(len(colours) > 20 and inked > 200,
              "the PNG is not blank: %d colours, %d inked samples" %
              (len(colours), inked))
    print("%d failures" % len(cli.failures))
    return 1 if cli.failures else 0


if __name__ == "__main__":
    sys.exit(main())
