#!/bin/bash
# Installs mobsync into a Wine prefix, or takes it out again.
#
#   WINEPREFIX=/path/to/prefix tools/setup_mobsync.sh install|uninstall
#
# Works from a build tree (x86_64/, i686/) and from a release folder (x64/,
# x32/), found beside or above this script. On a 64-bit prefix the 64-bit
# files go to system32 and the 32-bit ones to syswow64; on a 32-bit prefix
# (#arch=win32) the 32-bit ones go to system32. Both regsvr32s register
# mobsync.dll, and a "native" DLL override makes Wine prefer it. Every file
# replaced is kept in $WINEPREFIX/.mobsync-setup/ and put back by uninstall,
# which also restores the override as it was: afterwards the prefix's files
# and registry are as they were before install. Running either twice does no
# harm. WINE (default wine) and WINESERVER (default wineserver) are honoured.
set -u

WINE=${WINE:-wine}
WINESERVER=${WINESERVER:-wineserver}
FILES="mobsync.dll mobsync.exe"

say() { echo "setup_mobsync: $*"; }
die() { echo "setup_mobsync: error: $*" >&2; exit 1; }

usage()
{
    echo "usage: WINEPREFIX=DIR $0 install|uninstall" >&2
    exit 2
}

# Can this Wine run 32-bit programs?
wine32_ok()
{
    [ -e /usr/lib/i386-linux-gnu/wine/i386-unix/ntdll.so ] || [ -e /usr/lib/wine/i386-unix/ntdll.so ]
}

[ $# -eq 1 ] || usage
verb=$1
case $verb in install|uninstall) ;; *) usage ;; esac

prefix=${WINEPREFIX:-$HOME/.wine}
[ -d "$prefix" ] || die "no Wine prefix at $prefix (set WINEPREFIX)"
[ -f "$prefix/system.reg" ] && [ -d "$prefix/drive_c/windows" ] ||
    die "$prefix is not a Wine prefix (no system.reg or drive_c/windows)"
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX="$prefix"
state="$prefix/.mobsync-setup"

if grep -q '^#arch=win32' "$prefix/system.reg"; then
    arch=win32
    # Checked before anything changes: wine itself could not open the prefix.
    wine32_ok || die "$prefix is a 32-bit prefix, which this Wine cannot run (install wine32)"
    dir32="$prefix/drive_c/windows/system32"
    dir64=""
else
    arch=win64
    dir64="$prefix/drive_c/windows/system32"
    dir32="$prefix/drive_c/windows/syswow64"
fi

# Where the binaries are: a release folder or a build tree.
here=$(cd "$(dirname "$0")" && pwd)
src64="" src32=""
for top in "$here" "$here/.."; do
    if [ -d "$top/x64" ] || [ -d "$top/x32" ]; then
        src64="$top/x64" src32="$top/x32"; break
    fi
    if [ -f "$top/x86_64/dlls/mobsync/mobsync.dll" ]; then
        src64="$top/x86_64" src32="$top/i686"; break
    fi
done

# The path of file f in a source folder, build tree or release layout.
source_file()
{
    local base=$1 f=$2
    for p in "$base/$f" "$base/dlls/mobsync/$f" "$base/programs/mobsync/$f"; do
        [ -f "$p" ] && { echo "$p"; return 0; }
    done
    return 1
}

reg_query()
{
    "$WINE" reg query 'HKCU\Software\Wine\DllOverrides' /v mobsync 2>/dev/null | tr -d '\r' |
        sed -n 's/^ *mobsync *REG_SZ *//p'
}

do_install()
{
    local f s d arches
    [ -n "$src64$src32" ] || die "no mobsync build or release files found near $here"
    if [ $arch = win64 ]; then arches="64 32"; else arches="32"; fi
    # Check everything first: a missing file changes nothing.
    for a in $arches; do
        for f in $FILES; do
            s=$(eval source_file "\$src$a" $f) || die "missing: $f for ${a}-bit (looked in $(eval echo "\$src$a"))"
        done
    done

    mkdir -p "$state"
    for a in $arches; do
        d=$(eval echo "\$dir$a")
        for f in $FILES; do
            s=$(eval source_file "\$src$a" $f)
            if [ -f "$d/$f" ] && [ ! -e "$state/$a-$f" ] && ! cmp -s "$s" "$d/$f"; then
                cp -p "$d/$f" "$state/$a-$f"
                say "kept the ${a}-bit $f that was there in .mobsync-setup/"
            elif [ ! -f "$d/$f" ] && [ ! -e "$state/$a-$f" ]; then
                : > "$state/$a-$f.none"
            fi
            cp "$s" "$d/$f" || die "cannot copy $f into $d"
            say "installed ${a}-bit $f into ${d#$prefix/}"
        done
    done

    if [ ! -e "$state/override" ]; then
        if old=$(reg_query) && [ -n "$old" ]; then echo "$old" > "$state/override"
        else : > "$state/override"; fi
    fi
    "$WINE" reg add 'HKCU\Software\Wine\DllOverrides' /v mobsync /d native /f >/dev/null 2>&1 ||
        die "cannot set the DLL override"
    say "set the mobsync DLL override to native"

    for a in $arches; do
        if [ $a = 64 ]; then
            "$WINE" regsvr32 /s mobsync.dll || die "64-bit regsvr32 mobsync.dll failed"
            say "registered the 64-bit mobsync.dll"
        elif [ $arch = win32 ] || wine32_ok; then
            if [ $arch = win32 ]; then r='C:\windows\system32\regsvr32.exe'; else r='C:\windows\syswow64\regsvr32.exe'; fi
            if wine32_ok; then
                "$WINE" "$r" /s mobsync.dll || die "32-bit regsvr32 mobsync.dll failed"
                say "registered the 32-bit mobsync.dll"
            else
                say "32-bit registration skipped: this Wine cannot run 32-bit programs (no wine32)"
            fi
        else
            say "32-bit registration skipped: this Wine cannot run 32-bit programs (no wine32)"
        fi
    done
    "$WINESERVER" -w
    say "done: mobsync is installed in $prefix"
}

do_uninstall()
{
    local a d f arches
    if [ ! -d "$state" ]; then
        say "mobsync is not installed in $prefix; nothing to do"
        return 0
    fi
    if [ $arch = win64 ]; then arches="64 32"; else arches="32"; fi
    for a in $arches; do
        if [ $a = 64 ]; then
            "$WINE" regsvr32 /s /u mobsync.dll >/dev/null 2>&1 && say "unregistered the 64-bit mobsync.dll"
        elif wine32_ok; then
            if [ $arch = win32 ]; then r='C:\windows\system32\regsvr32.exe'; else r='C:\windows\syswow64\regsvr32.exe'; fi
            "$WINE" "$r" /s /u mobsync.dll >/dev/null 2>&1 && say "unregistered the 32-bit mobsync.dll"
        fi
    done

    if [ -e "$state/override" ]; then
        if [ -s "$state/override" ]; then
            "$WINE" reg add 'HKCU\Software\Wine\DllOverrides' /v mobsync /d "$(cat "$state/override")" /f >/dev/null 2>&1
            say "put the mobsync DLL override back to $(cat "$state/override")"
        else
            "$WINE" reg delete 'HKCU\Software\Wine\DllOverrides' /v mobsync /f >/dev/null 2>&1
            say "removed the mobsync DLL override"
        fi
    fi

    for a in $arches; do
        d=$(eval echo "\$dir$a")
        for f in $FILES; do
            if [ -e "$state/$a-$f" ]; then
                cp -p "$state/$a-$f" "$d/$f" && say "put back the ${a}-bit $f that was there before"
            elif [ -e "$state/$a-$f.none" ] || [ -f "$d/$f" ]; then
                rm -f "$d/$f" && say "removed ${a}-bit $f from ${d#$prefix/}"
            fi
        done
    done
    "$WINESERVER" -w
    rm -rf "$state"
    say "done: mobsync is uninstalled from $prefix"
}

do_$verb
