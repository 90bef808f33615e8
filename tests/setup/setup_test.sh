#!/bin/bash
# Tests of tools/setup_mobsync.sh and of the release tarball, in prefixes of
# their own. Prints TAP ("ok N - what" / "not ok N - what"), as tools/runtests
# expects of a script test.
#
# Usage (from the build tree): tests/setup/setup_test.sh
set -u
top=$(pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
WINE=${WINE:-wine}
WINESERVER=${WINESERVER:-wineserver}
. "$src/tools/wineprefix.sh"
tmp=$(mktemp -d "$(mobsync_tmp_base 1)/mobsync-setup-test.XXXXXX")
trap 'WINEPREFIX="$tmp/p64" "$WINESERVER" -k >/dev/null 2>&1; WINEPREFIX="$tmp/rel" "$WINESERVER" -k >/dev/null 2>&1; rm -rf "$tmp"' EXIT
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
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

new_prefix() # dir
{
    mobsync_wineboot "$1" "$tmp/wineboot.log" || return 1
    # Let Wine settle what it rewrites on its first starts.
    WINEPREFIX="$1" "$WINE" reg query 'HKCU\Software' >/dev/null 2>&1
    WINEPREFIX="$1" "$WINESERVER" -w
}

setup() { "$src/tools/setup_mobsync.sh" "$@"; }
registered() { "$WINE" reg query 'HKLM\Software\Classes\CLSID\{6295DF27-35EE-11D1-8707-00C04FD93327}\InprocServer32' >/dev/null 2>&1; }
override() { "$WINE" reg query 'HKCU\Software\Wine\DllOverrides' /v mobsync 2>/dev/null | tr -d '\r' | grep -q "REG_SZ *$1\$"; }
files_in() # dir, files...
{
    local d=$1; shift
    for f in "$@"; do [ -f "$d/$f" ] || { echo "missing $d/$f"; return 1; }; done
}
identical() { cmp "$1" "$2"; }
stripped_pe() # file, objdump's name of its format
{
    local dump=x86_64-w64-mingw32-objdump
    "$dump" -f "$1" | grep -q "file format $2\$" || { "$dump" -f "$1"; return 1; }
    "$dump" -t "$1" | grep -q "^no symbols" || { echo "$1 has a symbol table"; return 1; }
    ! "$dump" -h "$1" | grep -q debug_ || { echo "$1 has debug sections"; return 1; }
}
fails_cleanly() # expected message, command...
{
    local msg=$1; shift
    if "$@" >"$tmp/fail.out" 2>&1; then echo "succeeded"; return 1; fi
    grep -q "$msg" "$tmp/fail.out" || { cat "$tmp/fail.out"; return 1; }
}

# --- a 64-bit prefix: install, again, uninstall, again ---------------------
export WINEPREFIX="$tmp/p64"
check "a new 64-bit prefix" new_prefix "$WINEPREFIX"
sys32="$WINEPREFIX/drive_c/windows/system32"
wow64="$WINEPREFIX/drive_c/windows/syswow64"
snapshot "$WINEPREFIX" before

check "install succeeds" setup install
check "64-bit files in system32" files_in "$sys32" mobsync.dll mobsync.exe
check "32-bit files in syswow64" files_in "$wow64" mobsync.dll mobsync.exe
check "the 64-bit DLL in system32 is the x86_64 build" identical "$top/x86_64/dlls/mobsync/mobsync.dll" "$sys32/mobsync.dll"
check "the 32-bit DLL in syswow64 is the i686 build" identical "$top/i686/dlls/mobsync/mobsync.dll" "$wow64/mobsync.dll"
check "CLSID_SyncMgr is registered" registered
check "the DLL override is native" override native
check "install again succeeds" setup install
check "installing twice keeps no backup of our own files" test ! -e "$WINEPREFIX/.mobsync-setup/64-mobsync.dll"
check "uninstall succeeds" setup uninstall
"$WINESERVER" -w
snapshot "$WINEPREFIX" after
check "uninstall leaves files and registry as before install" same_as before after
check "uninstall again does nothing" setup uninstall

# --- what was there before comes back ------------------------------------
echo "an older manager" > "$sys32/mobsync.exe"
"$WINE" reg add 'HKCU\Software\Wine\DllOverrides' /v mobsync /d builtin /f >/dev/null 2>&1
"$WINESERVER" -w
snapshot "$WINEPREFIX" before2
check "install over an existing mobsync.exe" setup install
check "the existing mobsync.exe was kept" grep -q "an older manager" "$WINEPREFIX/.mobsync-setup/64-mobsync.exe"
check "uninstall after replacing" setup uninstall
"$WINESERVER" -w
snapshot "$WINEPREFIX" after2
check "the old mobsync.exe and override are back, nothing else changed" same_as before2 after2
check "the old override is builtin again" override builtin

# --- bad input changes nothing --------------------------------------------
snapshot "$WINEPREFIX" before3
check "no such prefix" fails_cleanly "no Wine prefix" env WINEPREFIX="$tmp/nowhere" "$src/tools/setup_mobsync.sh" install
mkdir -p "$tmp/notaprefix"
check "not a Wine prefix" fails_cleanly "is not a Wine prefix" env WINEPREFIX="$tmp/notaprefix" "$src/tools/setup_mobsync.sh" install
check "a folder that is not a prefix is left empty" test -z "$(ls -A "$tmp/notaprefix")"
check "unknown verb" fails_cleanly "usage" setup frobnicate
mkdir -p "$tmp/broken/x64" "$tmp/broken/x32"
cp "$src/tools/setup_mobsync.sh" "$tmp/broken/"
cp "$top/x86_64/dlls/mobsync/mobsync.dll" "$top/x86_64/programs/mobsync/mobsync.exe" "$tmp/broken/x64/"
cp "$top/i686/dlls/mobsync/mobsync.dll" "$tmp/broken/x32/"
check "a release without the 32-bit mobsync.exe" fails_cleanly "missing: mobsync.exe for 32-bit" "$tmp/broken/setup_mobsync.sh" install
"$WINESERVER" -w
snapshot "$WINEPREFIX" after3
check "bad input changed nothing" same_as before3 after3

# The first prefix is done with: its 700 MB go before the next one is made.
"$WINESERVER" -k >/dev/null 2>&1
"$WINESERVER" -w
rm -rf "$tmp/p64"

# --- a 32-bit prefix: as far as this machine can go ---------------------------
mkdir -p "$tmp/p32/drive_c/windows/system32"
printf 'WINE REGISTRY Version 2\n#arch=win32\n' > "$tmp/p32/system.reg"
if [ -e /usr/lib/i386-linux-gnu/wine/i386-unix/ntdll.so ]; then
    echo "# wine32 is present: the 32-bit prefix path needs a real 32-bit prefix; not faked here"
else
    check "a 32-bit prefix is refused without wine32, before any change" \
        fails_cleanly "32-bit prefix, which this Wine cannot run" env WINEPREFIX="$tmp/p32" "$src/tools/setup_mobsync.sh" install
    check "the 32-bit prefix was not touched" test -z "$(ls -A "$tmp/p32/drive_c/windows/system32")"
fi

# --- the release tarball --------------------------------------------------------
tarball=$(ls "$top"/mobsync-*.tar.gz 2>/dev/null | head -n 1)
if [ -z "$tarball" ]; then
    n=$((n + 1)); echo "not ok $n - no release tarball (make dist)"; failures=$((failures + 1))
else
    name=$(basename "$tarball" .tar.gz)
    tar -tzf "$tarball" | LC_ALL=C sort > "$tmp/listing"
    expected="$name/
$name/COPYING.LIB
$name/README.md
$name/setup_mobsync.sh
$name/x32/
$name/x32/mobsync.dll
$name/x32/mobsync.exe
$name/x64/
$name/x64/mobsync.dll
$name/x64/mobsync.exe"
    check "the tarball holds exactly the release files" diff <(echo "$expected") "$tmp/listing"
    mkdir -p "$tmp/release"
    tar -xzf "$tarball" -C "$tmp/release"
    check "the release's binaries are stripped PE files" \
        stripped_pe "$tmp/release/$name/x64/mobsync.dll" pei-x86-64
    check "the release's 32-bit binaries are stripped PE files" \
        stripped_pe "$tmp/release/$name/x32/mobsync.dll" pei-i386
    export WINEPREFIX="$tmp/rel"
    check "a new prefix for the release" new_prefix "$WINEPREFIX"
    snapshot "$WINEPREFIX" before4
    check "install from the release folder" "$tmp/release/$name/setup_mobsync.sh" install
    check "the release's 64-bit DLL is installed" identical "$tmp/release/$name/x64/mobsync.dll" "$WINEPREFIX/drive_c/windows/system32/mobsync.dll"
    check "CLSID_SyncMgr is registered from the release" registered
    check "uninstall from the release folder" "$tmp/release/$name/setup_mobsync.sh" uninstall
    "$WINESERVER" -w
    snapshot "$WINEPREFIX" after4
    check "the release's uninstall leaves the prefix as it was" same_as before4 after4
fi

echo "1..$n"
echo "# $n tests, $failures failures"
[ $failures = 0 ]
