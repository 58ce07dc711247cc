#!/bin/sh
# Runs one configurator corpus case through configurator-dump in the corpus's fixed
# environment (test/configs/configurator/README: env -i with exactly these variables,
# cwd = the case directory, path `main.cfg`) and compares the output byte for byte.
# A `diverges` case (an import cycle; the reference never finishes) must end quickly
# with one `error<TAB>` line and exit status 1.
# usage: run_corpus_case.sh DUMP_BINARY CASE_DIR
set -u
dump=$1
case_dir=$2
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
cd "$case_dir" || exit 2
uni=$(printf '\303\274n\303\257')
env -i HOME=/home/test USER=test CFGTEST=hello EMPTY= LANG=C.UTF-8 CFGSUB=sub "CFGUNI=$uni" \
    'CFGDOLLAR=$(HOME)' 'CFGSPACE=a b' timeout -k 1 5 "$dump" main.cfg >"$out" 2>/dev/null
rc=$?
if [ "$(head -c 8 expected)" = diverges ]; then
    lines=$(wc -l <"$out")
    if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [ "$(head -c 6 "$out")" = "$(printf 'error\t')" ]; then exit 0; fi
    echo "wanted one error line and exit 1 (the reference diverges); got exit $rc:"
    cat "$out"
    exit 1
fi
want_rc=0
[ "$(head -c 6 expected)" = "$(printf 'error\t')" ] && want_rc=1
if cmp -s "$out" expected && [ "$rc" -eq "$want_rc" ]; then exit 0; fi
echo "exit $rc (wanted $want_rc); diff expected actual:"
diff expected "$out"
exit 1
