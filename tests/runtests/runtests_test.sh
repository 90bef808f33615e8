#!/bin/bash
# tools/runtests itself, with a stand-in for Wine (no prefix is made): a
# run that is told to stop (TERM, as Ctrl+C or a CI time limit does) ends
# at once, with the test program it was running, and removes its folder.
# Prints TAP, as tools/runtests expects of a script test.
#
# Usage (from the build tree): tests/runtests/runtests_test.sh
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../tools/wineprefix.sh
. "$src/tools/wineprefix.sh"
tmp=$(mktemp -d "$(mobsync_tmp_base 1)/mobsync-runtests-test.XXXXXX")
runner=""
# runtests and the stand-in's test program, when a check found them running.
trap '[ -n "$runner" ] && kill -KILL "$runner" 2>/dev/null
      [ -f "$tmp/test.pid" ] && kill -KILL "$(cat "$tmp/test.pid")" 2>/dev/null
      rm -rf "$tmp"' EXIT
# shellcheck source=../tap.sh
. "$src/tests/tap.sh"

# The stand-in loader: wineboot makes the prefix's one file runtests looks
# for; the program lists one test, "hang", which never ends by itself.
mkdir -p "$tmp/bin" "$tmp/build/x86_64" "$tmp/runs"
cat >"$tmp/bin/wine64" <<'EOF'
#!/bin/sh
case $1 in
    wineboot) mkdir -p "$WINEPREFIX" && : >"$WINEPREFIX/system.reg"; exit 0 ;;
    reg) exit 0 ;;
esac
case $2 in
    --list) printf 'Valid test names:\n    hang\n' ;;
    hang) echo $$ >"$RUNTESTS_TEST_PID.new" && mv "$RUNTESTS_TEST_PID.new" "$RUNTESTS_TEST_PID"
          exec sleep 600 ;;
esac
EOF
printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/wineserver"
chmod +x "$tmp/bin/wine64" "$tmp/bin/wineserver"
: >"$tmp/build/x86_64/hang.exe"

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# Waits up to $2 tenths of a second for process $1 to end.
ends_within() # pid, tenths
{
    for _ in $(seq "$2"); do
        alive "$1" || return 0
        sleep 0.1
    done
    echo "process $1 still runs after $(($2 / 10)) s"
    return 1
}

# runtests, started in the background on the stand-in's program.
(
    cd "$tmp/build" &&
    exec env -u RUNTESTS_INSTALL -u RUNTESTS_ONLY -u RUNTESTS_SERIAL WINE64="$tmp/bin/wine64" WINESERVER="$tmp/bin/wineserver" XVFB_RUN= DISPLAY=:none \
        MOBSYNC_TMPDIR="$tmp/runs" RUNTESTS_TEST_PID="$tmp/test.pid" RUNTESTS_TIMEOUT=300 \
        "$src/tools/runtests" x86_64/hang.exe
) >"$tmp/runtests.log" 2>&1 &
runner=$!

# Waits up to 30 s for the test program to start.
started()
{
    for _ in $(seq 300); do
        [ -s "$tmp/test.pid" ] && return 0
        sleep 0.1
    done
    echo "the test program did not start:"; cat "$tmp/runtests.log"
    return 1
}
check "runtests started the test program" started
test_pid=$(cat "$tmp/test.pid" 2>/dev/null || echo 0)
kill -TERM "$runner" 2>/dev/null
check "runtests ends within 15 s of a TERM while a test program runs" ends_within "$runner" 150
check "the test program it ran ended with it" ends_within "$test_pid" 150
no_folder() { ! ls -d "$tmp"/runs/mobsync-test.* 2>/dev/null; }
check "its folder is gone" no_folder

echo "1..$n"
[ "$failures" = 0 ]
