#!/usr/bin/env python3
"""Self-check of run_golden.py's normaliser and comparison, without angel:
every expected transcript must match itself and tolerated variations of
itself (another interleaving of contexts, shutdown ENDED/QUIT left out), and
must not match a transcript with one line changed.  Exit 0 iff all hold."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_golden as rg  # noqa: E402

failures = []


def expect(ok, what):
    if not ok:
        failures.append(what)


def join(records):
    return "".join(r + "\n" for _, r in records)


def check_transcript(name, t):
    def variant(**changes):
        v = dict(t)
        v.update(changes)
        return rg.compare(t, v)

    expect(not rg.compare(t, t), name + ": does not match itself")
    records = rg.log_records(t["stdout"])
    kept, racy = rg.split_shutdown_racy(records)
    # another interleaving: swap the first adjacent pair of different contexts
    for i in range(len(records) - 1):
        if records[i][0] != records[i + 1][0]:
            swapped = records[:i] + [records[i + 1], records[i]] + records[i + 2:]
            expect(not variant(stdout=join(swapped)), name + ": interleaving rejected")
            break
    # reordering inside one context must be noticed
    for i in range(len(kept) - 1):
        if kept[i][0] == kept[i + 1][0] and kept[i][1] != kept[i + 1][1]:
            j = records.index(kept[i])
            k = records.index(kept[i + 1])
            swapped = list(records)
            swapped[j], swapped[k] = swapped[k], swapped[j]
            expect(variant(stdout=join(swapped)), name + ": order within a context ignored")
            break
    if racy:
        lean = [r for r in records if r in kept]
        expect(not variant(stdout=join(lean)), name + ": shutdown ENDED/QUIT made mandatory")
        extra = records + [(ctx, "[TS] {%s} WAITING" % ctx) for ctx in racy]
        expect(variant(stdout=join(extra)), name + ": WAITING after shutdown accepted")
    if kept:
        changed = [(c, r + "x") if (c, r) == kept[-1] else (c, r) for c, r in records]
        expect(variant(stdout=join(changed)), name + ": changed stdout line accepted")
    err = rg.lines_of(t["stderr"]) if t["stderr"] else []
    if len(err) > 1:
        expect(not variant(stderr="".join(x + "\n" for x in reversed(err))),
               name + ": stderr order mattered")
    expect(variant(stderr=t["stderr"] + "angel: extra\n"), name + ": extra stderr accepted")
    expect(variant(events=t["events"] + "expect-no-zombies: ok\n"), name + ": extra event accepted")
    for fname in t["files"]:
        files = dict(t["files"])
        files[fname] += "more\n"
        expect(variant(files=files), name + ": changed file %s accepted" % fname)


def check_normaliser():
    ctx = rg.Context("/tmp/angel-golden-x/work", "alice", "/home/alice")
    ctx.pids.update({4242, 17})
    raw = ("[2024/01/02 03:04:05] {main} Running as user: alice\n"
           "/tmp/angel-golden-x/work/a /home/alice/b /home/alicex pid 4242 1717 17\n")
    expect(rg.normalise(raw, ctx, "stdout") ==
           "[TS] {main} Running as user: $USER\n"
           "$WORK/a $PWHOME/b /home/alicex pid 4242 1717 17\n", "normalise stdout")
    expect(rg.normalise(raw, ctx, "events").endswith("pid <PID> 1717 <PID>\n"), "normalise pids")
    expect(rg.normalise("./build/my-angel: x\nUsage: my-angel CONFIG_FILE\n", ctx, "stderr") ==
           "angel: x\nUsage: angel CONFIG_FILE\n", "normalise program name")


def check_order():
    """Step expect-order's matching (find_in_order) and verdict, on a log
    whose contexts interleave."""
    log = ("[TS] {main} Angel started\n"
           "[TS] {- program: web -} RUNNING\n"
           "[TS] {process-killer} Attempting soft kill web before hard killing\n"
           "[TS] {- program: web -} ENDED\n"
           "[TS] {process-killer} Hard killing web\n"
           "[TS] {- program: web -} RUNNING\n")
    texts = [r for _, r in rg.log_records(log)]
    soft, ended, hard = "Attempting soft kill web", r"\{- program: web -\} ENDED$", "Hard killing web"

    def verdict(*regexes):
        return rg.order_verdict(texts, regexes)

    # in order, across contexts; greedy picks the earliest match each time
    expect(rg.find_in_order(texts, [soft, ended, hard]) == ([2, 3, 4], None), "order: positions")
    expect(rg.find_in_order(texts, ["RUNNING", "RUNNING"]) == ([1, 5], None),
           "order: a regex repeated must match two records")
    expect(verdict(soft, ended, hard) == "ok", "order: in order rejected")
    expect(verdict("RUNNING", hard, "RUNNING") == "ok", "order: later match not found")
    # out of order: the failing regex is named, quoted as a step would be
    expect(rg.find_in_order(texts, [hard, ended]) == ([4], 1), "order: reversed pair found")
    expect(verdict(hard, ended) ==
           r"out of order (no record matches '\{- program: web -\} ENDED$' after one "
           "matching 'Hard killing web')", "order: reversed pair verdict: " + verdict(hard, ended))
    expect(verdict(ended, soft, hard).startswith("out of order (no record matches "
                                                 "'Attempting soft kill web' after"),
           "order: middle regex out of order")
    expect(verdict(soft, "QUIT") == "out of order (no record matches QUIT)",
           "order: missing regex verdict: " + verdict(soft, "QUIT"))
    expect(verdict("QUIT", soft) == "out of order (no record matches QUIT)",
           "order: missing first regex verdict")
    expect(rg.order_verdict([], ["a", "b"]) == "out of order (no record matches a)",
           "order: empty log")
    # the step's own words: parsed like expect-log's, regexes with spaces quoted
    steps = rg.parse_steps("expect-order 'Attempting soft kill web' '{- program: web -} ENDED'\n")
    expect(steps[0][1] == ["expect-order", "Attempting soft kill web", "{- program: web -} ENDED"],
           "order: step quoting")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    names = sorted(n for n in os.listdir(here) if os.path.isfile(os.path.join(here, n, "events")))
    for name in names:
        check_transcript(name, rg.read_transcript(os.path.join(here, name)))
    check_normaliser()
    check_order()
    for f in failures:
        print("FAIL " + f)
    print("%d transcripts checked, %d problems" % (len(names), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
