#!/bin/sh
# Builds the Debian package (cpack -G DEB), installs it on this machine, checks what it
# installed and that the installed angel runs (and is stopped by the unit's angel-stop),
# checks the unit (systemd-analyze, where present) and the package (lintian, where
# present), then purges it again.
# usage: deb_test.sh BUILD_DIR SOURCE_DIR LINT(0|1)     exit 77: skipped (not root)
set -eu
build=$1
source=$2
lint=$3
if [ "$(id -u)" != 0 ] || ! command -v dpkg >/dev/null; then
    echo "skipped: installing a package needs root and dpkg"
    exit 77
fi
# Never touch an angel this machine has of its own: any dpkg state of the package
# (installed, or removed with its conffiles kept) or a file where the package would go.
state=$(dpkg-query -W -f='${db:Status-Status}' angel 2>/dev/null || true)
if [ -n "$state" ] && [ "$state" != not-installed ]; then
    echo "skipped: dpkg knows an angel package here ($state); not replacing it"
    exit 77
fi
for f in /usr/bin/angel /usr/bin/angelctl /etc/angel; do
    if [ -e "$f" ]; then
        echo "skipped: $f exists; not replacing it"
        exit 77
    fi
done
work=$(mktemp -d)
cleanup() {
    # angel runs in a session of its own: whatever it started goes with it.
    [ -n "${angel_pid:-}" ] && kill -KILL -- "-$angel_pid" 2>/dev/null || true
    dpkg -P angel >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null) || fail "cpack"
deb=$(ls "$work"/pkg/angel_*.deb)
dpkg -i "$deb" >/dev/null || fail "dpkg -i"

# What it installed.
for f in /usr/bin/angel /usr/bin/angelctl /usr/share/man/man1/angel.1.gz /usr/share/man/man1/angelctl.1.gz /usr/share/doc/angel/copyright \
         /usr/share/doc/angel/examples/angel.conf /usr/share/doc/angel/examples/web/server.py \
         /usr/share/doc/angel/examples/node/server.js \
         /usr/lib/systemd/system/angel.service /usr/lib/angel/angel-stop /etc/angel/angel.conf; do
    [ -f "$f" ] || fail "missing $f"
done
[ -x /usr/lib/angel/angel-stop ] || fail "/usr/lib/angel/angel-stop is not executable"
grep -qx "ExecStop=/usr/lib/angel/angel-stop" /usr/lib/systemd/system/angel.service || fail "the unit's ExecStop="
grep -qx /etc/angel/angel.conf /var/lib/dpkg/info/angel.conffiles || fail "/etc/angel/angel.conf is not a conffile"

# The installed angel: its help is the built one's, and it runs the installed example.
/usr/bin/angel --help > "$work/help.installed" || fail "angel --help"
"$build/angel" --help > "$work/help.built"
cmp -s "$work/help.installed" "$work/help.built" || fail "the installed angel's help differs"
# angelctl check on the example and on the packaged config (which names a control socket).
/usr/bin/angelctl check /usr/share/doc/angel/examples/angel.conf > "$work/check" || fail "angelctl check on the example"
grep -qx "napper" "$work/check" || fail "angelctl check did not list the example's napper"
/usr/bin/angelctl check /etc/angel/angel.conf > /dev/null || fail "angelctl check /etc/angel/angel.conf"
mkdir "$work/run"
cp /usr/share/doc/angel/examples/angel.conf "$work/run/"
echo "control = \"$work/run/angel.sock\"" >> "$work/run/angel.conf"
(cd "$work/run" && exec setsid /usr/bin/angel angel.conf > angel.log 2>&1) &
angel_pid=$!
for _ in $(seq 1 100); do
    grep -q "{- program: napper -} RUNNING" "$work/run/angel.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "{- program: napper -} RUNNING" "$work/run/angel.log" || fail "the installed angel did not run the example"
# The installed angelctl against the installed angel, through the socket the config names.
/usr/bin/angelctl -c "$work/run/angel.conf" status napper > "$work/status" || fail "angelctl status napper"
grep -q "^napper  *running" "$work/status" || fail "angelctl status: $(cat "$work/status")"
# Stopped by the unit's ExecStop= helper (outside a unit: it TERMs angel and waits for it).
MAINPID=$angel_pid timeout 30 /usr/lib/angel/angel-stop || fail "angel-stop"
wait "$angel_pid" || fail "angel's exit status after TERM"
angel_pid=
grep -q "That's all folks!" "$work/run/angel.log" || fail "no clean shutdown"

# The unit: systemd's own check (its Documentation= needs `man`, which may be absent).
if command -v systemd-analyze >/dev/null; then
    if ! systemd-analyze verify /usr/lib/systemd/system/angel.service > "$work/verify" 2>&1; then
        if grep -v "man angel" "$work/verify" | grep -q .; then
            cat "$work/verify"
            fail "systemd-analyze verify"
        fi
    fi
fi
# The package: no lintian error or warning.
if [ "$lint" = 1 ] && command -v lintian >/dev/null; then
    lintian --tag-display-limit 0 -L ">=warning" "$deb" > "$work/lintian" 2>&1 || true
    if grep -E "^[EW]: " "$work/lintian"; then
        fail "lintian"
    fi
fi
echo "PASS deb ($(basename "$deb"))"
