#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`linerate report` as a user runs it: a result stream with a slow NIC, an
intermittent link, a failed flow and a hostile server name; the exit code,
linerate.report/1, the JUnit XML read back with a real XML parser
(xml.etree), and every bad input refused with exit 2 and nothing written.

usage: test_report_cli.py  (LINERATE_BIN names the executable)
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BIN = os.environ.get("LINERATE_BIN")
HOSTILE = "x\"&<script>alert(1)<"

TOPO = """version: 1
name: cli-test
profiles:
  r100: {link: ethernet, transport: rocev2, rate: 100G, mtu: 4200}
hosts:
  h:
    nics:
      - {name: m0, profile: r100, rail: 0, pcie: gen5 x16}
      - {name: m1, profile: r100, rail: 1, pcie: gen5 x16}
servers:
  - {hosts: 'n[1-6]', template: h}
  - {hosts: '%s', template: h}
switches:
  - {name: la, tier: leaf, servers: 'n[1-6],%s'}
tolerance: 0.05
""" % (HOSTILE, HOSTILE)

GOOD, BAD = 97.0, 60.0
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)
    else:
        print("ok: " + what)


def doc(local, remote, set_, gbps, iv_min=None, phase="pairs"):
    iv_min = gbps if iv_min is None else iv_min
    return {
        "schema": "linerate.result/1",
        "params": {"transport": "verbs", "msg_size": 1 << 20, "streams": 1},
        "transport_options": {"op": "write"},
        "flow": {"local": local, "remote": remote, "set": set_,
                 "phase": phase},
        "directions": [{
            "direction": "c2s", "gbps": gbps,
            "interval_gbps": {"n": 4, "min": iv_min, "median": gbps,
                              "max": gbps},
            "intervals": [{"gbps": g} for g in (gbps, iv_min, gbps, gbps)],
        }],
        "status": "ok",
    }


def stream(docs):
    return "".join(json.dumps(d) + "\n" for d in docs)


def run(args, cwd):
    p = subprocess.run([BIN, "report"] + args, cwd=cwd, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def flows():
    h = HOSTILE + "/m0"
    return [
        doc("n1/m0", "n2/m0", "a", BAD),      # n1/m0 slow with 2 partners
        doc("n1/m0", "n3/m0", "b", BAD),
        doc("n2/m0", "n3/m0", "c", GOOD),
        doc("n3/m0", "n4/m0", "d", GOOD),
        doc("n2/m0", "n4/m0", "e", GOOD),
        doc("n5/m1", "n6/m1", "f", GOOD, iv_min=30.0),  # intermittent
        doc(h, "n4/m1", "g", GOOD),
        doc("n4/m1", h, "g2", GOOD),
    ]


def main():
    if not BIN:
        print("LINERATE_BIN is not set (run under meson test)")
        return 77
    tmp = tempfile.mkdtemp(prefix="lr-report-")
    with open(os.path.join(tmp, "t.yaml"), "w") as f:
        f.write(TOPO)
    with open(os.path.join(tmp, "r.jsonl"), "w") as f:
        f.write(stream(flows()))
    rc, out, err = run(["r.jsonl", "--topology", "t.yaml", "--json",
                        "--junit", "j.xml", "--html", "h.html"], tmp)
    check(rc == 1, "findings: exit 1 (got %d: %s)" % (rc, err))
    rep = json.loads(out)
    check(rep["schema"] == "linerate.report/1", "schema linerate.report/1")
    check(rep["verdict"] == "fail", "verdict fail")
    kinds = sorted((f["kind"], f["subject"]) for f in rep["findings"])
    check(kinds == [("intermittent", "n5/m1 -> n6/m1"), ("nic", "n1/m0")],
          "findings nic n1/m0 and intermittent n5/m1 -> n6/m1: %s" % kinds)
    check(rep["summary"]["flows"] == 8 and rep["summary"]["below"] == 2,
          "8 flows, 2 below: %s" % rep["summary"])
    check(any(f["src"] == HOSTILE + "/m0" for f in rep["flows"]),
          "the hostile name is data in the JSON")

    # JUnit read back with a real XML parser
    root = ET.parse(os.path.join(tmp, "j.xml")).getroot()
    suites = root.findall("testsuite")
    check([s.get("name") for s in suites] == ["pairs"],
          "one testsuite per phase")
    cases = suites[0].findall("testcase")
    names = [c.get("name") for c in cases]
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    check(int(suites[0].get("tests")) == len(cases),
          "tests= counts the testcases (%d)" % len(cases))
    check(int(suites[0].get("failures")) == len(failed) == 2,
          "two failing testcases: %s" % failed)
    check(sorted(failed) == ["n1/m0", "n5/m1 -> n6/m1"],
          "the failures are the findings' subjects: %s" % failed)
    check(HOSTILE in names and HOSTILE + "/m0" in names,
          "server and NIC testcases, the hostile name intact as text")
    check(all(n in names for n in ("n1", "n1/m0", "n6/m1")),
          "a testcase per server and per NIC")
    msg = [c.find("failure") for c in cases if c.get("name") == "n1/m0"][0]
    check("below with 2 partners" in msg.get("message"),
          "the failure carries the finding's line")

    # healthy: exit 0, pass
    with open(os.path.join(tmp, "ok.jsonl"), "w") as f:
        f.write(stream(flows()[2:5]))
    rc, out, err = run(["ok.jsonl", "--topology", "t.yaml"], tmp)
    check(rc == 0 and out.startswith("PASS: 3 servers, 3 NICs, 3 flows"),
          "healthy: exit 0, PASS (%d: %s)" % (rc, out + err))

    bad_inputs(tmp)
    print("%d failures" % len(failures))
    return 1 if failures else 0


def bad_inputs(tmp):
    good = stream(flows())
    one = json.dumps(doc("n1/m0", "n2/m0", "a", GOOD))
    cases = {
        "truncated": (good + one[: len(one) // 2] + "\n", "bad.jsonl:9:"),
        "other schema": (good + one.replace("linerate.result/1",
                                            "linerate.result/2") + "\n",
                         "schema 'linerate.result/2'"),
        "other document": (json.dumps({"schema": "linerate.model/1"}),
                           "expected 'linerate.result/1'"),
        "NaN": (one.replace('"gbps": 97.0', '"gbps": NaN', 1) + "\n",
                "bad.jsonl:1:"),
        "negative": (one.replace('"gbps": 97.0', '"gbps": -5', 1) + "\n",
                     "expected a finite rate >= 0"),
        "unknown NIC": (good + one.replace("n2/m0", "n2/m9") + "\n",
                        "bad.jsonl:9: 'n2/m9': server n2 (template h) "
                        "has no NIC 'm9'"),
        "unknown server": (one.replace("n2/m0", "zz/m0") + "\n",
                           "no server 'zz'"),
        "same flow twice": (good + json.dumps(doc("n1/m0", "n2/m0", "a",
                                                   GOOD)) + "\n",
                            "both claim the flow n1/m0 -> n2/m0"),
    }
    for name, (text, want) in cases.items():
        with open(os.path.join(tmp, "bad.jsonl"), "w") as f:
            f.write(text)
        for p in ("bj.xml", "bh.html"):
            if os.path.exists(os.path.join(tmp, p)):
                os.unlink(os.path.join(tmp, p))
        rc, out, err = run(["bad.jsonl", "--topology", "t.yaml", "--junit",
                            "bj.xml", "--html", "bh.html"], tmp)
        check(rc == 2, "%s: exit 2 (got %d)" % (name, rc))
        check(want in err, "%s: says '%s' (said: %s)" % (name, want,
                                                        err.strip()))
        left = [p for p in os.listdir(tmp) if p.startswith("b") and
                p != "bad.jsonl"]
        check(not left and not out, "%s: nothing written (%s)" % (name, left))


if __name__ == "__main__":
    sys.exit(main())
