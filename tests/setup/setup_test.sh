#!/bin/bash
# Tests of tools/setup_mobsync.sh and of the release tarball, in prefixes of
# their own. Prints TAP ("ok N - what" / "not ok N - what"), as tools/runtests
# expects of a script test.
#
# Usage (from the build tree): tests/setup/setup_test.sh
# MOBSYNC_RELEASE_TARBALL=FILE tests a release tarball built elsewhere
# instead of this build's.
set -u
top=$(pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
WINESERVER=${WINESERVER:-wineserver}
# shellcheck source=../../tools/wineprefix.sh
. "$src/tools/wineprefix.sh"
tmp=$(mktemp -d "$(mobsync_tmp_base 1)/mobsync-setup-test.XXXXXX")
cleanup()
{
    local p
    for p in p64 p32 rel; do WINEPREFIX="$tmp/$p" "$WINESERVER" -k >/dev/null 2>&1; done
    rm -rf "$tmp"
}
trap cleanup EXIT
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# shellcheck source=../tap.sh
. "$src/tests/tap.sh"

new_prefix() # dir [win64|win32]
{
    local reg=mobsync_reg64
    [ "${2:-win64}" = win32 ] && reg=mobsync_reg32
    mobsync_wineboot "$1" "$tmp/wineboot.log" "${2:-win64}" || return 1
    without_system_mobsync "$1" "${2:-win64}" || return 1
    # Let Wine settle what it rewrites on its first starts.
    WINEPREFIX="$1" $reg query 'HKCU\Software' >/dev/null 2>&1
    WINEPREFIX="$1" "$WINESERVER" -w
}

setup() { "$src/tools/setup_mobsync.sh" "$@"; }
# What a program of that architecture gets from CoCreateInstance(CLSID_SyncMgr),
# asked by mobsync_probe.exe as the setup script does.
probe() # 64|32
{
    local build=x86_64 run=mobsync_run64
    [ "$1" = 32 ] && build=i686 run=mobsync_run32
    $run "$top/$build/tools/probe/mobsync_probe.exe" 2>&1 | tr -d '\r'
    return "${PIPESTATUS[0]}"
}
works() { probe "$1" | tee /dev/stderr | grep -q "^$1-bit: CLSID_SyncMgr gives ISyncMgrRegister"; }
gone() { probe "$1" | tee /dev/stderr | grep -q "^$1-bit: CoCreateInstance(CLSID_SyncMgr) failed with 0x80040154"; }
override() { mobsync_reg64 query 'HKCU\Software\Wine\DllOverrides' /v mobsync 2>/dev/null | tr -d '\r' | grep -q "REG_SZ *$1\$"; }
none_in() # dir, files...: none of them is there
{
    local d=$1; shift
    for f in "$@"; do [ ! -e "$d/$f" ] || { echo "$d/$f is there"; return 1; }; done
}
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

if mobsync_can_run32; then
    echo "# 32-bit programs run here: prefixes with and without the 32-bit half are tested"
else
    echo "# no 32-bit programs here ($mobsync_no32_reason): the 64-bit half alone is tested"
fi

# --- a 64-bit prefix: install, again, uninstall, again ---------------------
export WINEPREFIX="$tmp/p64"
check "a new 64-bit prefix" new_prefix "$WINEPREFIX"
sys32="$WINEPREFIX/drive_c/windows/system32"
wow64="$WINEPREFIX/drive_c/windows/syswow64"
snapshot "$WINEPREFIX" before

check "before install a 64-bit program gets REGDB_E_CLASSNOTREG" gone 64
check "install succeeds" setup install
check "64-bit files in system32" files_in "$sys32" mobsync.dll mobsync.exe
check "the 64-bit DLL in system32 is the x86_64 build" identical "$top/x86_64/dlls/mobsync/mobsync.dll" "$sys32/mobsync.dll"
check "a 64-bit program gets CLSID_SyncMgr" works 64
if mobsync_can_run32; then
    check "32-bit files in syswow64" files_in "$wow64" mobsync.dll mobsync.exe
    check "the 32-bit DLL in syswow64 is the i686 build" identical "$top/i686/dlls/mobsync/mobsync.dll" "$wow64/mobsync.dll"
    check "a 32-bit program gets CLSID_SyncMgr" works 32
else
    check "no 32-bit files where 32-bit programs cannot run" none_in "$wow64" mobsync.dll mobsync.exe
fi
check "the DLL override is native" override native
runs_logon() { mobsync_reg64 query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\$1" /v "Synchronization Manager" | tr -d '\r' | grep -q "REG_SZ *$2\$"; }
check "a prefix start runs mobsync /logon, without a console (RunServices)" runs_logon RunServices "rundll32.exe mobsync.dll,RunLogon"
check "so does plain wineboot, as Windows XP's Run value did" runs_logon Run "mobsync.exe /logon"
# No X display: plain mobsync, which opens Items to Synchronize, says so in
# one line and synchronizes headlessly, without waiting for one.
nodisplay() { ( unset DISPLAY; mobsync_run64 mobsync.exe ) 2>&1 | tr -d '\r' | grep -v ':err:\|:fixme:' | tee /dev/stderr | grep -x "mobsync: no display to show Items to Synchronize on; synchronizing without windows" >/dev/null; }
check "without a display plain mobsync synchronizes headlessly, saying so" nodisplay
check "and ends with its summary" said "^0 succeeded, 0 failed, 0 skipped"
check "install again succeeds" setup install
check "installing twice keeps no backup of our own files" test ! -e "$WINEPREFIX/.mobsync-setup/64-mobsync.dll"
check "uninstall succeeds" setup uninstall
check "after uninstall a 64-bit program gets REGDB_E_CLASSNOTREG" gone 64
if mobsync_can_run32; then
    check "after uninstall a 32-bit program gets REGDB_E_CLASSNOTREG" gone 32
fi
"$WINESERVER" -w
snapshot "$WINEPREFIX" after
check "uninstall leaves files and registry as before install" same_as before after
check "uninstall again does nothing" setup uninstall

# --- the 64-bit half alone, and an install that would have lied ---------------
if mobsync_can_run32; then
    check "64-bit only (MOBSYNC_NO_WINE32=1) succeeds" env MOBSYNC_NO_WINE32=1 "$src/tools/setup_mobsync.sh" install
    check "64-bit only says that the 32-bit half is left out" said "32-bit half is not installed: MOBSYNC_NO_WINE32=1"
    check "64-bit only: a 64-bit program gets CLSID_SyncMgr" works 64
    check "64-bit only: a 32-bit program gets REGDB_E_CLASSNOTREG" gone 32
    check "64-bit only: no 32-bit files in syswow64" none_in "$wow64" mobsync.dll mobsync.exe
    check "64-bit only: uninstall succeeds" env MOBSYNC_NO_WINE32=1 "$src/tools/setup_mobsync.sh" uninstall
    "$WINESERVER" -w
    snapshot "$WINEPREFIX" after5
    check "64-bit only: uninstall leaves the prefix as it was" same_as before after5

    # "wine regsvr32" is the 32-bit regsvr32 wherever wine32 is installed:
    # registering with it where the 64-bit one was meant leaves 64-bit
    # programs with REGDB_E_CLASSNOTREG. The probe must catch that.
    check "install fails, naming the architecture, when a 64-bit program cannot use the class" \
        fails_cleanly "the 64-bit mobsync.dll is registered, but a 64-bit program cannot use it" \
        env WINE64="$(mobsync_wine32)" "$src/tools/setup_mobsync.sh" install
    check "uninstall after that failure succeeds" setup uninstall
    "$WINESERVER" -w
    snapshot "$WINEPREFIX" after6
    check "uninstall after the failure leaves the prefix as it was" same_as before after6
else
    check "install again succeeds" setup install
    check "without 32-bit programs, install says that the 32-bit half is left out" said "32-bit half is not installed"
    check "uninstall succeeds" setup uninstall
fi

# --- what was there before comes back ------------------------------------
echo "an older manager" > "$sys32/mobsync.exe"
mobsync_reg64 add 'HKCU\Software\Wine\DllOverrides' /v mobsync /d builtin /f >/dev/null 2>&1
"$WINESERVER" -w
snapshot "$WINEPREFIX" before2
check "install over an existing mobsync.exe" setup install
check "the existing mobsync.exe was kept" grep -q "an older manager" "$WINEPREFIX/.mobsync-setup/64-mobsync.exe"
check "uninstall after replacing" setup uninstall
"$WINESERVER" -w
snapshot "$WINEPREFIX" after2
check "the old mobsync.exe and override are back, nothing else changed" same_as before2 after2
check "the old override is builtin again" override builtin

# --- an identical mobsync.dll of before stays ----------------------------------
# A packager may have put our very DLL there already: uninstall must not take it.
cp "$top/x86_64/dlls/mobsync/mobsync.dll" "$sys32/mobsync.dll"
"$WINESERVER" -w
snapshot "$WINEPREFIX" before8
check "install over an identical mobsync.dll" setup install
check "uninstall after that" setup uninstall
check "the identical mobsync.dll of before is still there" identical "$top/x86_64/dlls/mobsync/mobsync.dll" "$sys32/mobsync.dll"
"$WINESERVER" -w
snapshot "$WINEPREFIX" after8
check "uninstall leaves the prefix as it was, the identical DLL too" same_as before8 after8
rm -f "$sys32/mobsync.dll"

# --- an uninstall that cannot do its work says so ----------------------------
"$WINESERVER" -w
snapshot "$WINEPREFIX" before9
check "install before the failing uninstalls" setup install
# regsvr32 /u fails when the DLL cannot be loaded any more.
cp "$sys32/mobsync.dll" "$tmp/mobsync.dll.good"
echo "not a DLL" > "$sys32/mobsync.dll"
check "uninstall fails when regsvr32 /u fails" fails_cleanly "64-bit regsvr32 /u mobsync.dll failed" setup uninstall
check "a failed uninstall keeps its state, to be run again" test -d "$WINEPREFIX/.mobsync-setup"
cp "$tmp/mobsync.dll.good" "$sys32/mobsync.dll"
# reg.exe failing: a 64-bit loader that refuses to start it, by name or by
# path (tools/wine.sh starts it by its path). The script's own $1 and $@
# are written as they are.
# shellcheck disable=SC2016
printf '#!/bin/sh\ncase "$1" in reg|*reg.exe) exit 1 ;; esac\nexec "%s" "$@"\n' "$(mobsync_wine64)" > "$tmp/noreg"
chmod +x "$tmp/noreg"
check "uninstall fails when the DLL override cannot be restored" \
    fails_cleanly "cannot .* the mobsync DLL override" env WINE64="$tmp/noreg" "$src/tools/setup_mobsync.sh" uninstall
check "that failed uninstall keeps its state too" test -d "$WINEPREFIX/.mobsync-setup"
check "uninstall again, with nothing failing" setup uninstall
"$WINESERVER" -w
snapshot "$WINEPREFIX" after9
check "after the failed uninstalls the prefix is as it was" same_as before9 after9

# --- bad input changes nothing --------------------------------------------
snapshot "$WINEPREFIX" before3
check "no such prefix" fails_cleanly "no Wine prefix" env WINEPREFIX="$tmp/nowhere" "$src/tools/setup_mobsync.sh" install
mkdir -p "$tmp/notaprefix"
check "not a Wine prefix" fails_cleanly "is not a Wine prefix" env WINEPREFIX="$tmp/notaprefix" "$src/tools/setup_mobsync.sh" install
check "a folder that is not a prefix is left empty" test -z "$(ls -A "$tmp/notaprefix")"
check "unknown verb" fails_cleanly "usage" setup frobnicate
# A release with one file missing: the 64-bit mobsync.exe (every prefix
# takes it), then, where the 32-bit half is installed, the 32-bit one.
mkdir -p "$tmp/broken/x64" "$tmp/broken/x32"
cp "$src/tools/setup_mobsync.sh" "$src/tools/wine.sh" "$tmp/broken/"
cp "$top/x86_64/dlls/mobsync/mobsync.dll" "$top/x86_64/tools/probe/mobsync_probe.exe" "$tmp/broken/x64/"
cp "$top/i686/dlls/mobsync/mobsync.dll" "$top/i686/programs/mobsync/mobsync.exe" \
   "$top/i686/tools/probe/mobsync_probe.exe" "$tmp/broken/x32/"
check "a release without the 64-bit mobsync.exe" fails_cleanly "missing: mobsync.exe for 64-bit" "$tmp/broken/setup_mobsync.sh" install
if mobsync_can_run32; then
    mv "$tmp/broken/x32/mobsync.exe" "$tmp/broken/x64/"
    check "a release without the 32-bit mobsync.exe" fails_cleanly "missing: mobsync.exe for 32-bit" "$tmp/broken/setup_mobsync.sh" install
fi
"$WINESERVER" -w
snapshot "$WINEPREFIX" after3
check "bad input changed nothing" same_as before3 after3

# The first prefix is done with: its 700 MB go before the next one is made.
"$WINESERVER" -k >/dev/null 2>&1
"$WINESERVER" -w
rm -rf "$tmp/p64"

# --- a 32-bit prefix ---------------------------------------------------------
if mobsync_can_run32; then
    export WINEPREFIX="$tmp/p32"
    check "a new 32-bit prefix" new_prefix "$WINEPREFIX" win32
    snapshot "$WINEPREFIX" before7
    check "32-bit prefix: install succeeds" setup install
    check "32-bit prefix: the i686 build is in system32" identical "$top/i686/dlls/mobsync/mobsync.dll" "$WINEPREFIX/drive_c/windows/system32/mobsync.dll"
    check "32-bit prefix: a 32-bit program gets CLSID_SyncMgr" works 32
    check "32-bit prefix: uninstall succeeds" setup uninstall
    check "32-bit prefix: after uninstall a 32-bit program gets REGDB_E_CLASSNOTREG" gone 32
    "$WINESERVER" -w
    snapshot "$WINEPREFIX" after7
    check "32-bit prefix: uninstall leaves the prefix as it was" same_as before7 after7
    "$WINESERVER" -k >/dev/null 2>&1
    "$WINESERVER" -w
    rm -rf "$tmp/p32"
else
    # Not a real prefix: a Wine without its 32-bit half could not make one.
    mkdir -p "$tmp/p32/drive_c/windows/system32"
    printf 'WINE REGISTRY Version 2\n#arch=win32\n' > "$tmp/p32/system.reg"
    check "a 32-bit prefix is refused where 32-bit programs cannot run, before any change" \
        fails_cleanly "32-bit prefix, which this Wine cannot run" env WINEPREFIX="$tmp/p32" "$src/tools/setup_mobsync.sh" install
    check "the 32-bit prefix was not touched" test -z "$(ls -A "$tmp/p32/drive_c/windows/system32")"
fi

# --- the release tarball --------------------------------------------------------
# This build's (make dist), or MOBSYNC_RELEASE_TARBALL: one built elsewhere,
# such as on another Debian release, to show that it works with this Wine.
tarball=${MOBSYNC_RELEASE_TARBALL:-}
if [ -z "$tarball" ]; then
    for f in "$top"/mobsync-*.tar.gz; do [ -e "$f" ] && tarball=$f; break; done
fi
if [ -z "$tarball" ]; then
    n=$((n + 1)); echo "not ok $n - no release tarball (make dist)"; failures=$((failures + 1))
else
    # The release folder the tarball holds (mobsync-VERSION/).
    name=$(tar -tzf "$tarball" | sed -n '1s|/.*||p')
    tar -tzf "$tarball" | LC_ALL=C sort > "$tmp/listing"
    expected="$name/
$name/COPYING.LIB
$name/README.md
$name/setup_mobsync.sh
$name/wine.sh
$name/x32/
$name/x32/mobsync.dll
$name/x32/mobsync.exe
$name/x32/mobsync_probe.exe
$name/x64/
$name/x64/mobsync.dll
$name/x64/mobsync.exe
$name/x64/mobsync_probe.exe"
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
    check "a 64-bit program gets CLSID_SyncMgr from the release" works 64
    if mobsync_can_run32; then
        check "a 32-bit program gets CLSID_SyncMgr from the release" works 32
    fi
    check "uninstall from the release folder" "$tmp/release/$name/setup_mobsync.sh" uninstall
    "$WINESERVER" -w
    snapshot "$WINEPREFIX" after4
    check "the release's uninstall leaves the prefix as it was" same_as before4 after4
fi

tap_end
