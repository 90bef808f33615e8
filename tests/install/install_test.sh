#!/bin/bash
# Tests of mobsync in Wine's own folders: make install into a stage
# (DESTDIR), used through WINEDLLPATH, as a distribution package or a
# system-wide install from source is used, with no root and nothing changed
# outside this test's folder. Prints TAP, as tools/runtests expects.
#
# Usage (from the build tree): tests/install/install_test.sh
# MOBSYNC_WINE_DLLDIR64 and MOBSYNC_WINE_DLLDIR32 are the Wine folders
# configure found (make check passes them): the stage mirrors them.
set -u
top=$(pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
WINESERVER=${WINESERVER:-wineserver}
MAKE=${MAKE:-make}
# shellcheck source=../../tools/wineprefix.sh
. "$src/tools/wineprefix.sh"
tmp=$(mktemp -d "$(mobsync_tmp_base 1)/mobsync-install-test.XXXXXX")
cleanup()
{
    local p
    for p in sys reg old pp; do WINEPREFIX="$tmp/$p" "$WINESERVER" -k >/dev/null 2>&1; done
    rm -rf "$tmp"
}
trap cleanup EXIT
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# shellcheck source=../tap.sh
. "$src/tests/tap.sh"

dir64=${MOBSYNC_WINE_DLLDIR64:?make check sets it}
dir32=${MOBSYNC_WINE_DLLDIR32:?make check sets it}
stage="$tmp/stage"
pe64="$stage$dir64/x86_64-windows"
pe32="$stage$dir32/i386-windows"
FILES=(mobsync.dll mobsync.exe)
log="$tmp/handlers.log"
MOBSYNC_TEST_LOG=$(mobsync_z_path "$log")
export MOBSYNC_TEST_LOG

# Said first: a mobsync in the machine's own Wine folders is in every new
# prefix of this run too; the per-prefix tests then install over it.
for d in "$dir64/x86_64-windows" "$dir32/i386-windows"; do
    if [ -f "$d/mobsync.dll" ]; then
        echo "# a system-wide mobsync is installed on this machine ($d/mobsync.dll): Wine finds it before WINEDLLPATH, so the prefixes below get it rather than the stage's copy"
    fi
done
if mobsync_can_run32; then
    echo "# 32-bit programs run here: both architectures are tested"
else
    echo "# no 32-bit programs here ($mobsync_no32_reason): the 64-bit half alone is tested"
fi

marked() { [ "$(dd if="$1" bs=1 skip=64 count=16 2>/dev/null)" = "Wine builtin DLL" ] || { echo "$1 has no builtin marker"; return 1; }; }
unmarked() { ! marked "$1" >/dev/null || { echo "$1 has the builtin marker"; return 1; }; }
files_in() # dir, files...
{
    local d=$1; shift
    for f in "$@"; do [ -f "$d/$f" ] || { echo "missing $d/$f"; return 1; }; done
}
none_in() # dir, files...
{
    local d=$1; shift
    for f in "$@"; do [ ! -e "$d/$f" ] || { echo "$d/$f is there"; return 1; }; done
}
new_prefix() # dir [without: no system-wide mobsync in it, as a prefix made before]
{
    mobsync_wineboot "$1" "$tmp/wineboot.log" win64 || return 1
    if [ "${2:-}" = without ]; then without_system_mobsync "$1" || return 1; fi
    WINEPREFIX="$1" mobsync_reg64 query 'HKCU\Software' >/dev/null 2>&1
    WINEPREFIX="$1" "$WINESERVER" -w
}
# What a program of that architecture gets from CoCreateInstance(CLSID_SyncMgr).
probe() # 64|32
{
    local build=x86_64 run=mobsync_run64
    [ "$1" = 32 ] && build=i686 run=mobsync_run32
    $run "$top/$build/tools/probe/mobsync_probe.exe" 2>&1 | tr -d '\r'
}
works() { probe "$1" | tee /dev/stderr | grep -q "^$1-bit: CLSID_SyncMgr gives ISyncMgrRegister"; }
gone() { probe "$1" | tee /dev/stderr | grep -q "^$1-bit: CoCreateInstance(CLSID_SyncMgr) failed with 0x80040154"; }
no_override() { ! mobsync_reg64 query 'HKCU\Software\Wine\DllOverrides' /v mobsync >/dev/null 2>&1; }
arches="64"
mobsync_can_run32 && arches="64 32"

# The registry a registration writes: CLSID_SyncMgr, the proxy class and
# the five interfaces, in both views, as "key|value" lines. One spelling
# differs by who registers, not by what: in the 32-bit view wineboot names
# the copy by its path as 32-bit programs see it (C:\windows\system32, as
# it does for each of Wine's own 32-bit classes), the 32-bit regsvr32 by
# its module's file name (C:\windows\syswow64, as Windows reports it);
# both are the same file to every 32-bit program. The 32-bit view's paths
# are compared in wineboot's spelling.
OURS='\[Software\\\\Classes\\\\(Wow6432Node\\\\)?(CLSID|Interface)\\\\\{6295DF[0-9A-F]{2}-35EE-11D1-8707-00C04FD93327\}'
registration() # prefix, name
{
    awk -f "$src/tests/setup/regdump.awk" "$1/system.reg" | grep -E "^$OURS" |
        sed '/^\[Software\\\\Classes\\\\Wow6432Node\\\\/s/@="C:\\\\windows\\\\syswow64\\\\/@="C:\\\\windows\\\\system32\\\\/' |
        LC_ALL=C sort > "$tmp/$2.reg"
    [ -s "$tmp/$2.reg" ] || { echo "nothing of mobsync registered in $1"; return 1; }
}
# Test handler NN for events FLAGS, as an application writes it.
handlers='HKLM\Software\Microsoft\Windows\CurrentVersion\Syncmgr\Handlers'
register() # NN, flags
{
    local clsid="{6D6F6273-796E-6374-6573-7400000000$1}"
    mobsync_reg64 add "HKLM\\Software\\Classes\\CLSID\\$clsid\\InprocServer32" /ve \
        /d 'C:\windows\system32\mobsync_testhandler.dll' /f &&
    mobsync_reg64 add "HKLM\\Software\\Classes\\CLSID\\$clsid\\InprocServer32" /v ThreadingModel \
        /d Apartment /f &&
    mobsync_reg64 add "$handlers\\$clsid" /v RegisterFlags /t REG_DWORD /d "$2" /f
}
unregister() # NN
{
    mobsync_reg64 delete "$handlers\\{6D6F6273-796E-6374-6573-7400000000$1}" /f
}
# The value that makes a prefix start run mobsync /logon: there (data) or not.
autorun_is() # RunServices|Run, expected data or "none"
{
    local line
    line=$(mobsync_reg64 query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\$1" \
        /v "Synchronization Manager" 2>/dev/null | tr -d '\r' | grep "Synchronization Manager")
    if [ "$2" = none ]; then [ -z "$line" ] || { echo "$line"; return 1; }
    else echo "$line" | grep -q "REG_SZ *$2\$" || { echo "${line:-no value}"; return 1; }; fi
}
# --- make install into a stage ------------------------------------------------
check "make install DESTDIR=... succeeds" "$MAKE" -s -C "$top" install DESTDIR="$stage"
check "the 64-bit files are in the stage's x86_64-windows folder" files_in "$pe64" "${FILES[@]}"
check "the 32-bit files are in the stage's i386-windows folder" files_in "$pe32" "${FILES[@]}"
for f in "${FILES[@]}"; do
    check "the installed 64-bit $f carries Wine's builtin marker" marked "$pe64/$f"
    check "the installed 32-bit $f carries Wine's builtin marker" marked "$pe32/$f"
    # A per-prefix install of these under a native override must load.
    check "the build tree's 64-bit $f does not" unmarked "$(ls "$top"/x86_64/*/mobsync/"$f")"
done
# Wine's folders with the stage added, or as they are.
stage_on() { export WINEDLLPATH="$stage$dir64:$stage$dir32"; }
stage_off() { unset WINEDLLPATH; }
stage_on

# --- a new prefix has it, with nothing run in it ---------------------------------
export WINEPREFIX="$tmp/sys"
check "a new prefix, Wine's folders extended by WINEDLLPATH" new_prefix "$WINEPREFIX"
sys32="$WINEPREFIX/drive_c/windows/system32"
wow64="$WINEPREFIX/drive_c/windows/syswow64"
check "wineboot put the 64-bit files into system32" files_in "$sys32" "${FILES[@]}"
if mobsync_can_run32; then
    check "and the 32-bit ones into syswow64" files_in "$wow64" "${FILES[@]}"
fi
for a in $arches; do
    check "a ${a}-bit program gets CLSID_SyncMgr, with no setup script run" works "$a"
done
check "no DLL override was needed" no_override
check "no per-prefix install state" test ! -e "$WINEPREFIX/.mobsync-setup"
check "nothing set up: a prefix start runs no mobsync (RunServices)" autorun_is RunServices none
check "nor does plain wineboot (Run)" autorun_is Run none
list() { mobsync_run64 mobsync.exe /list > "$tmp/list.out" 2>&1; }
check "mobsync /list runs" list
cp "$top/x86_64/tests/handlers/mobsync_testhandler.dll" "$sys32/"
mobsync_run64 regsvr32 /s mobsync_testhandler.dll >/dev/null 2>&1
check "a test handler registered as an application does" register 01 0
sync() { mobsync_run64 mobsync.exe /sync /handler:'{6D6F6273-796E-6374-6573-740000000001}' 2>&1 | tr -d '\r' | tee /dev/stderr | tail -n 1 | grep -Eq '^[1-9][0-9]* succeeded, 0 failed, 0 skipped$'; }
check "mobsync /sync synchronizes its items" sync
"$WINESERVER" -w
registration "$WINEPREFIX" builtin

# --- the resource registers what regsvr32 does -------------------------------------
stage_off
export WINEPREFIX="$tmp/reg"
check "a prefix without the stage" new_prefix "$WINEPREFIX" without
regsvr32_both()
{
    cp "$top/x86_64/dlls/mobsync/mobsync.dll" "$WINEPREFIX/drive_c/windows/system32/" &&
    mobsync_run64 regsvr32 /s mobsync.dll || return 1
    if mobsync_can_run32; then
        cp "$top/i686/dlls/mobsync/mobsync.dll" "$WINEPREFIX/drive_c/windows/syswow64/" &&
        mobsync_run32 regsvr32 /s mobsync.dll || return 1
    fi
    "$WINESERVER" -w
}
check "regsvr32 registers the build's mobsync.dll there" regsvr32_both
registration "$WINEPREFIX" regsvr32
stage_on
export WINEPREFIX="$tmp/sys"
same_registration() { diff "$tmp/regsvr32.reg" "$tmp/builtin.reg" && wc -l < "$tmp/builtin.reg"; }
check "wineboot's registration from the resource equals regsvr32's, key for key and value for value" same_registration

# --- the automatic runs: set up, then not --------------------------------------------
check "the handler registered for logon" register 01 1
autorun() { mobsync_run64 mobsync.exe /autorun 2>&1 | tr -d '\r' | tee /dev/stderr | grep -q "$1"; }
check "mobsync /autorun says logon synchronization is set up" autorun "is set up; a prefix start runs mobsync /logon"
check "a prefix start now runs mobsync /logon (RunServices)" autorun_is RunServices "rundll32.exe mobsync.dll,RunLogon"
check "plain wineboot too (Run)" autorun_is Run "mobsync.exe /logon"
"$WINESERVER" -w
: > "$log"
mobsync_reg64 query 'HKCU\Software' >/dev/null 2>&1
check "the next prefix start runs the logon items, with CONNECT" recorded 01 "Initialize reserved=0 flags=00000001"
"$WINESERVER" -w
check "the handler no longer registered for logon" register 01 0
check "mobsync /autorun says nothing is set up" autorun "nothing is set up to synchronize by itself"
check "a prefix start runs no mobsync again (RunServices)" autorun_is RunServices none
check "nor does plain wineboot (Run)" autorun_is Run none
mobsync_reg64 add 'HKLM\Software\Microsoft\Windows\CurrentVersion\Run' /v "Synchronization Manager" /d 'other.exe' /f >/dev/null 2>&1
check "a value of that name that is not ours is left alone" autorun "nothing is set up"
check "it is still there" autorun_is Run other.exe
mobsync_reg64 delete 'HKLM\Software\Microsoft\Windows\CurrentVersion\Run' /v "Synchronization Manager" /f >/dev/null 2>&1
check "the test handler taken out" unregister 01
"$WINESERVER" -w

# --- the per-prefix way over the builtin one, and back ------------------------------------
check "setup_mobsync.sh install over the builtin mobsync" "$src/tools/setup_mobsync.sh" install
check "says the prefix has the mobsync of Wine's own folders" said "mobsync of Wine's own folders"
check "the 64-bit DLL in system32 is now the build's" cmp "$top/x86_64/dlls/mobsync/mobsync.dll" "$sys32/mobsync.dll"
for a in $arches; do
    check "a ${a}-bit program gets CLSID_SyncMgr from it" works "$a"
done
check "setup_mobsync.sh uninstall" "$src/tools/setup_mobsync.sh" uninstall
check "says the builtin mobsync is back and registered" said "mobsync of Wine's own folders is back and registered"
check "the builtin copy is back in system32" marked "$sys32/mobsync.dll"
for a in $arches; do
    check "a ${a}-bit program gets CLSID_SyncMgr again, without wineboot -u" works "$a"
done
"$WINESERVER" -w
registration "$WINEPREFIX" after_setup
same_after_setup() { diff "$tmp/builtin.reg" "$tmp/after_setup.reg"; }
check "its registration is as wineboot made it" same_after_setup
check "a prefix start runs no mobsync after uninstall" autorun_is RunServices none

# --- a prefix made before the install gets it from wineboot -u --------------------------------
stage_off
export WINEPREFIX="$tmp/old"
check "a prefix made before the install" new_prefix "$WINEPREFIX" without
check "has no mobsync" gone 64
stage_on
update() { mobsync_run64 wineboot -u >/dev/null 2>&1; "$WINESERVER" -w; }
check "wineboot -u" update
check "put the 64-bit files into system32" files_in "$WINEPREFIX/drive_c/windows/system32" "${FILES[@]}"
for a in $arches; do
    check "a ${a}-bit program gets CLSID_SyncMgr after wineboot -u" works "$a"
done

# --- make uninstall --------------------------------------------------------------------------
check "make uninstall DESTDIR=... succeeds" "$MAKE" -s -C "$top" uninstall DESTDIR="$stage"
check "the stage's 64-bit files are gone" none_in "$pe64" "${FILES[@]}"
check "the stage's 32-bit files are gone" none_in "$pe32" "${FILES[@]}"

tap_end
