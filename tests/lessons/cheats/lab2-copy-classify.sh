#!/bin/sh
# lab2-copy-classify.sh OUT.json — a cheat for Lab 2 (a test fixture, not a
# solution): copy `traplab classify --format=json` into answers.json, flags,
# verdicts and the classifier's own witness states, with its witness strings
# pasted as the "explanations".  lessons/02-classify/check must FAIL it: the
# witnesses are the classifier's states (check 5..8).
out=${1:?usage: $0 OUT.json}
bin=${TRAPLAB_BIN:-build/traplab}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for v in strict legacy hybrid; do "$bin" classify --format=json --isa=$v >"$tmp/$v.json"; done
python3 - "$tmp" "$out" <<'PY'
import json, re, sys
d = {v: {i["name"]: i for i in json.load(open(f"{sys.argv[1]}/{v}.json"))["instructions"]}
     for v in ("strict", "legacy", "hybrid")}
th = {v: json.load(open(f"{sys.argv[1]}/{v}.json")) for v in ("strict", "legacy")}
ans = {"lab": 2, "variants": {}, "witnesses": {"legacy": {}, "hybrid": {}}}
for v in ("strict", "legacy"):
    rows = {}
    for n, i in d[v].items():
        f = set(i["derived"])
        rows[n] = {"privileged": "PRIV" in f, "control-sensitive": bool(f & {"CTRL", "CTRLU"}),
                   "mode-sensitive": "MODE" in f, "location-sensitive": bool(f & {"LOC", "LOCU"}),
                   "user-sensitive": bool(f & {"CTRLU", "LOCU"})}
    ans["variants"][v] = {"instructions": rows, "theorem1_holds": th[v]["theorem1"]["holds"],
                          "theorem3_holds": th[v]["theorem3"]["holds"]}
pat = r"S=(\d) IE=(\d) R=\((0x[0-9a-f]+),(0x[0-9a-f]+)\)"
for v, n, flag in (("legacy", "rdpsw", "MODE"), ("legacy", "wrpsw", "CTRL"),
                   ("legacy", "srr", "LOCU"), ("hybrid", "juser", "CTRL")):
    w = d[v][n]["witnesses"]
    st = re.findall(pat, w[flag]) + re.findall(pat, w["PRIV"] + w["TRAP"])
    a = st[0]
    b = st[1] if n == "srr" else ("0",) + a[1:]
    mk = lambda s: {"S": int(s[0]), "IE": int(s[1]), "rbase": s[2], "rbound": s[3], "r1": "0x0"}
    ans["witnesses"][v][n] = {"a": mk(a), "b": mk(b), "shows": "r1" if n in ("rdpsw", "srr") else "psw",
                              "a_result": "0x0", "b_result": "0x0",
                              "explanation": " ".join(w.values())}
json.dump(ans, open(sys.argv[2], "w"), indent=1)
PY
