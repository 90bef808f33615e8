# shellcheck shell=bash
# $tmp, $src and $log are the sourcing script's.
# shellcheck disable=SC2154
# What the script tests share (sourced): TAP lines ("ok N - what" /
# "not ok N - what", as tools/runtests counts them) and snapshots of a
# prefix. Needs $tmp (a folder of the test's own) and $src (the source tree).
n=0
failures=0

check() # description, command...
{
    local what=$1; shift
    n=$((n + 1))
    if "$@" >"$tmp/out" 2>&1; then echo "ok $n - $what"
    else
        echo "not ok $n - $what"
        sed 's/^/#   /' "$tmp/out" | head -20
        failures=$((failures + 1))
    fi
    # What the last check printed, for the next to read.
    mv "$tmp/out" "$tmp/last"
}
said() { grep -q "$1" "$tmp/last" || { cat "$tmp/last"; return 1; }; }

# Waits (30 s at most) for test handler NN to record a call starting with
# CALL in $log (the sourcing script's MOBSYNC_TEST_LOG).
recorded() # NN, call
{
    for _ in $(seq 300); do
        grep -q "^$1 $2" "$log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "handler $1 recorded no \"$2\":"; cat "$log" 2>/dev/null
    return 1
}

snapshot() # prefix, name
{
    (cd "$1/drive_c" && find . -printf '%p %s\n' | LC_ALL=C sort) > "$tmp/$2.files"
    awk -f "$src/tests/setup/regdump.awk" "$1/system.reg" | LC_ALL=C sort > "$tmp/$2.system"
    awk -f "$src/tests/setup/regdump.awk" "$1/user.reg" | LC_ALL=C sort > "$tmp/$2.user"
}

same_as() # name1, name2
{
    diff "$tmp/$1.files" "$tmp/$2.files" && diff "$tmp/$1.system" "$tmp/$2.system" &&
        diff "$tmp/$1.user" "$tmp/$2.user"
}

# A mobsync from Wine's own folders (a package, or make install on this
# machine) is in every new prefix. A test that starts from a prefix without
# mobsync, as most users' are, takes it out as README.md tells a user to:
# regsvr32 /u, then the copies. Wine's folders are not touched.
without_system_mobsync() # prefix [win64|win32]
{
    local d f run
    for d in system32 syswow64; do
        f="$1/drive_c/windows/$d/mobsync.dll"
        [ "$(dd if="$f" bs=1 skip=64 count=16 2>/dev/null)" = "Wine builtin DLL" ] || continue
        run=mobsync_run64
        if [ "$d" = syswow64 ] || [ "${2:-win64}" = win32 ]; then run=mobsync_run32; fi
        # Without 32-bit programs nothing registered a 32-bit copy.
        if [ $run = mobsync_run64 ] || mobsync_can_run32; then
            WINEPREFIX="$1" $run regsvr32 /s /u mobsync.dll || return 1
        fi
        rm -f "$f" "$1/drive_c/windows/$d/mobsync.exe" || return 1
    done
    WINEPREFIX="$1" "${WINESERVER:-wineserver}" -w
}

tap_end()
{
    echo "1..$n"
    echo "# $n tests, $failures failures"
    [ $failures = 0 ]
}
