# shellcheck shell=bash
# $tmp and $src are the sourcing script's.
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

tap_end()
{
    echo "1..$n"
    echo "# $n tests, $failures failures"
    [ $failures = 0 ]
}
