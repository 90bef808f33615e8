#!/bin/bash
# Installs mobsync into a Wine prefix, or takes it out again.
#
#   WINEPREFIX=/path/to/prefix tools/setup_mobsync.sh install|uninstall
#
# Works from a build tree (x86_64/, i686/) and from a release folder (x64/,
# x32/), found beside or above this script; MOBSYNC_BUILD_TREE names a build
# tree of its own (one configured in another folder, as make check does). On a 64-bit prefix the 64-bit
# files go to system32 and the 32-bit ones to syswow64; on a 32-bit prefix
# (#arch=win32) the 32-bit ones go to system32. The 32-bit half is installed
# where this Wine runs 32-bit programs (Debian's wine32) and left out, said
# so, where it does not; MOBSYNC_NO_WINE32=1 leaves it out on purpose. Each
# architecture's regsvr32 registers its mobsync.dll, and a "native" DLL
# override makes Wine prefer it. Then mobsync_probe.exe of each architecture
# does CoCreateInstance(CLSID_SyncMgr) as a program would: install fails,
# naming the architecture, when that does not work, and uninstall when the
# class is still there afterwards. Every file replaced is kept in
# $WINEPREFIX/.mobsync-setup/ and put back by uninstall, which also restores
# the override as it was: afterwards the prefix's files and registry are as
# they were before install. A prefix that has mobsync from Wine's own
# folders (a system-wide install or a distribution package: its files carry
# Wine's builtin marker) gets this one over it, and on uninstall its
# builtin mobsync back, registered again and checked. Install also makes the logon run start with the
# prefix: wineboot --init runs HKLM's RunServices values, where
# "Synchronization Manager" = "rundll32.exe mobsync.dll,RunLogon" starts
# mobsync.exe /logon; plain wineboot runs Run, which gets Windows XP's
# "mobsync.exe /logon" (docs/events.md). Uninstall first ends the resident
# agent (mobsync /agent:stop), then takes those values out again, with
# HKCU\Software\mobsync: the settings and the state of the automatic
# runs. Running either twice does no harm. WINESERVER
# (default wineserver), WINE, WINE64 and WINE32 (tools/wine.sh) are honoured.
set -u

WINESERVER=${WINESERVER:-wineserver}
FILES="mobsync.dll mobsync.exe"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine.sh
. "$here/wine.sh" || { echo "setup_mobsync: error: $here/wine.sh is missing" >&2; exit 1; }

say() { echo "setup_mobsync: $*"; }
die() { echo "setup_mobsync: error: $*" >&2; exit 1; }

usage()
{
    echo "usage: WINEPREFIX=DIR $0 install|uninstall" >&2
    exit 2
}

[ $# -eq 1 ] || usage
verb=$1
case $verb in install|uninstall) ;; *) usage ;; esac

prefix=${WINEPREFIX:-$HOME/.wine}
[ -d "$prefix" ] || die "no Wine prefix at $prefix (set WINEPREFIX)"
if [ ! -f "$prefix/system.reg" ] || [ ! -d "$prefix/drive_c/windows" ]; then
    die "$prefix is not a Wine prefix (no system.reg or drive_c/windows)"
fi
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX="$prefix"
state="$prefix/.mobsync-setup"

if grep -q '^#arch=win32' "$prefix/system.reg"; then
    arch=win32
    # Checked before anything changes: wine itself could not open the prefix.
    mobsync_can_run32 ||
        die "$prefix is a 32-bit prefix, which this Wine cannot run ($mobsync_no32_reason)"
    dir32="$prefix/drive_c/windows/system32"
    dir64=""
else
    arch=win64
    dir64="$prefix/drive_c/windows/system32"
    dir32="$prefix/drive_c/windows/syswow64"
fi

# Where the binaries are: a release folder or a build tree.
src64="" src32=""
for top in "$here" ${MOBSYNC_BUILD_TREE:+"$MOBSYNC_BUILD_TREE"} "$here/.."; do
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
    for p in "$base/$f" "$base/dlls/mobsync/$f" "$base/programs/mobsync/$f" "$base/tools/probe/$f"; do
        [ -f "$p" ] && { echo "$p"; return 0; }
    done
    return 1
}

# The prefix's system folder for architecture $1 (64 or 32), and the folder
# this script installs that architecture's files from.
sys_dir() { if [ "$1" = 64 ]; then echo "$dir64"; else echo "$dir32"; fi; }
src_dir() { if [ "$1" = 64 ]; then echo "$src64"; else echo "$src32"; fi; }

# Runs a program of architecture $1 (64 or 32) in the prefix.
run_arch()
{
    local a=$1; shift
    if [ "$a" = 64 ]; then mobsync_run64 "$@"; else mobsync_run32 "$@"; fi
}

# The prefix's own architecture runs reg.exe.
native_bits=64
[ $arch = win32 ] && native_bits=32
wine_reg() { "mobsync_reg$native_bits" "$@"; }
# reg_set WHAT KEY NAME DATA: sets a value, or ends saying WHAT could not be
# done with what reg.exe or Wine said: seen failing now and then, with
# nothing to go on.
reg_set()
{
    local what=$1 out
    shift
    out=$(wine_reg add "$1" /v "$2" /d "$3" /f 2>&1) ||
        die "$what (reg add exit status $?: $(echo "$out" | tr -d '\r' | grep -v ':fixme:' | tail -n 2 | tr '\n' ' '))"
}

# The values that run "mobsync.exe /logon" at a prefix start.
RUN_NAME="Synchronization Manager"
# A prefix start runs RunServices: through rundll32, which has no console,
# so that the start makes none (Wine's console would write its defaults to
# HKCU\Console). Run keeps Windows XP's command.
RUN_KEYS="RunServices Run"
run_line() { if [ "$1" = RunServices ]; then echo "rundll32.exe mobsync.dll,RunLogon"; else echo "mobsync.exe /logon"; fi; }
run_key() { echo "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\$1"; }
run_query() # key name: the value there now, if any
{
    wine_reg query "$(run_key "$1")" /v "$RUN_NAME" 2>/dev/null | tr -d '\r' |
        sed -n "s/^ *$RUN_NAME *REG_[A-Z_]* *//p"
}

# Whether file $1 is a Wine builtin: the marker Wine's make install (and
# ours, and a distribution's mobsync package) writes at offset 0x40, which
# wineboot looks for when it copies Wine's DLLs into a prefix.
is_builtin() { [ "$(dd if="$1" bs=1 skip=64 count=16 2>/dev/null)" = "Wine builtin DLL" ]; }

# Whether the resident agent (mobsync.exe /agent) runs in this prefix.
agent_runs() { [ -n "$(mobsync_prefix_processes "$prefix" 'mobsync\.exe /agent$')" ]; }

reg_query()
{
    wine_reg query 'HKCU\Software\Wine\DllOverrides' /v mobsync 2>/dev/null | tr -d '\r' |
        sed -n 's/^ *mobsync *REG_SZ *//p'
}

# The architectures this prefix takes, into $arches: "64 32", "64" or "32".
set_install_arches()
{
    if [ $arch = win32 ]; then arches=32
    elif mobsync_can_run32; then arches="64 32"
    else arches=64; fi
}

# What a program of architecture $1 gets from CoCreateInstance(CLSID_SyncMgr):
# mobsync_probe.exe's line in $probe_line; 0 when the class works.
probe()
{
    local a=$1 exe out rc
    exe=$(source_file "$(src_dir "$a")" mobsync_probe.exe) || {
        probe_line="no ${a}-bit mobsync_probe.exe to check with"; return 2; }
    out=$(mktemp)
    WINEDEBUG=-all run_arch "$a" "$exe" >"$out" 2>&1
    rc=$?
    probe_line=$(tr -d '\r' <"$out" | tail -n 1)
    rm -f "$out"
    return "$rc"
}

do_install()
{
    local f s d arches
    [ -n "$src64$src32" ] || die "no mobsync build or release files found near $here"
    set_install_arches
    if [ $arch = win64 ] && [ "$arches" = 64 ]; then
        say "the 32-bit half is not installed: $mobsync_no32_reason (32-bit programs could not use it)"
    fi
    # Check everything first: a missing file changes nothing.
    for a in $arches; do
        for f in $FILES mobsync_probe.exe; do
            s=$(source_file "$(src_dir "$a")" "$f") || die "missing: $f for ${a}-bit (looked in $(src_dir "$a"))"
        done
    done

    mkdir -p "$state"
    # What a failed uninstall had done is undone by this install.
    rm -f "$state"/*-unregistered
    for a in $arches; do
        d=$(sys_dir "$a")
        for f in $FILES; do
            s=$(source_file "$(src_dir "$a")" "$f")
            # A file there before the first install is kept, even one equal
            # to ours: uninstall puts it back instead of deleting it.
            if [ ! -e "$state/$a-$f" ] && [ ! -e "$state/$a-$f.none" ]; then
                if [ "$f" = mobsync.dll ] && [ -f "$d/$f" ] && is_builtin "$d/$f"; then
                    say "this prefix has the ${a}-bit mobsync of Wine's own folders (a system-wide install); this one goes over it until uninstall"
                fi
                if [ -f "$d/$f" ]; then
                    cp -p "$d/$f" "$state/$a-$f" || die "cannot keep the ${a}-bit $f that is there"
                    say "kept the ${a}-bit $f that was there in .mobsync-setup/"
                else
                    : > "$state/$a-$f.none"
                fi
            fi
            cp "$s" "$d/$f" || die "cannot copy $f into $d"
            say "installed ${a}-bit $f into ${d#"$prefix"/}"
        done
        grep -qx "$a" "$state/arches" 2>/dev/null || echo "$a" >> "$state/arches"
    done

    if [ ! -e "$state/override" ]; then
        if old=$(reg_query) && [ -n "$old" ]; then echo "$old" > "$state/override"
        else : > "$state/override"; fi
    fi
    reg_set "cannot set the DLL override" 'HKCU\Software\Wine\DllOverrides' mobsync native
    say "set the mobsync DLL override to native"

    for a in $arches; do
        # regsvr32 of the program's own architecture: plain "wine regsvr32"
        # is the 32-bit one wherever wine32 is installed.
        run_arch "$a" regsvr32 /s mobsync.dll || die "${a}-bit regsvr32 mobsync.dll failed"
        probe "$a" || die "the ${a}-bit mobsync.dll is registered, but a ${a}-bit program cannot use it: $probe_line"
        say "registered the ${a}-bit mobsync.dll; checked: $probe_line"
    done
    # Last: an install that failed has not set the logon run going.
    for k in $RUN_KEYS; do
        if [ ! -e "$state/run-$k" ]; then
            if old=$(run_query "$k") && [ -n "$old" ]; then echo "$old" > "$state/run-$k"
            else : > "$state/run-$k"; fi
        fi
        reg_set "cannot add the $k value that starts the logon run" "$(run_key "$k")" "$RUN_NAME" "$(run_line "$k")"
    done
    say "the logon run starts with the prefix (RunServices: $(run_line RunServices); Run: $(run_line Run))"
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
    # What install put in; an older install that did not say: all it could.
    if [ -s "$state/arches" ]; then arches=$(cat "$state/arches")
    elif [ $arch = win64 ]; then arches="64 32"; else arches="32"; fi
    # The agent first: it runs our mobsync.exe, and writes the settings.
    # Only if it runs (a process of this prefix): starting a console
    # program for nothing would leave Wine's HKCU\Console behind.
    if agent_runs && [ -f "$(sys_dir "$native_bits")/mobsync.exe" ]; then
        run_arch $native_bits mobsync.exe /agent:stop >/dev/null 2>&1 ||
            die "the mobsync agent does not end (mobsync /agent:stop failed); nothing else was changed"
    fi
    for a in $arches; do
        if [ "$a" = 32 ] && ! mobsync_can_run32; then
            die "the 32-bit mobsync.dll was installed, but cannot be unregistered now: $mobsync_no32_reason"
        fi
        # Nothing is put back or deleted until this worked: a failed
        # uninstall keeps its state and can be run again, and then does not
        # ask for what an earlier run did.
        [ -e "$state/$a-unregistered" ] && continue
        run_arch "$a" regsvr32 /s /u mobsync.dll >/dev/null 2>&1 ||
            die "${a}-bit regsvr32 /u mobsync.dll failed; nothing else was changed"
        : > "$state/$a-unregistered"
        say "unregistered the ${a}-bit mobsync.dll"
    done

    if [ -e "$state/override" ]; then
        if [ -s "$state/override" ]; then
            reg_set "cannot put the mobsync DLL override back to $(cat "$state/override")" \
                'HKCU\Software\Wine\DllOverrides' mobsync "$(cat "$state/override")"
            say "put the mobsync DLL override back to $(cat "$state/override")"
        else
            # Already gone is fine; reg.exe not working is not.
            wine_reg delete 'HKCU\Software\Wine\DllOverrides' /v mobsync /f >/dev/null 2>&1 || {
                ! wine_reg query 'HKCU\Software\Wine\DllOverrides' /v mobsync >/dev/null 2>&1 &&
                wine_reg query 'HKCU\Software\Wine' >/dev/null 2>&1; } ||
                die "cannot remove the mobsync DLL override"
            say "removed the mobsync DLL override"
        fi
    fi

    for k in $RUN_KEYS; do
        [ -e "$state/run-$k" ] || continue
        if [ -s "$state/run-$k" ]; then
            reg_set "cannot put the $k value \"$RUN_NAME\" back" "$(run_key "$k")" "$RUN_NAME" "$(cat "$state/run-$k")"
        elif ! wine_reg delete "$(run_key "$k")" /v "$RUN_NAME" /f >/dev/null 2>&1; then
            # Fails as well when the value is gone already: fine if it is.
            { wine_reg query "$(run_key "$k")" >/dev/null 2>&1 &&
                ! wine_reg query "$(run_key "$k")" /v "$RUN_NAME" >/dev/null 2>&1; } ||
                die "cannot remove the $k value \"$RUN_NAME\""
        fi
        rm -f "$state/run-$k"
    done
    if ! wine_reg delete 'HKCU\Software\mobsync' /f >/dev/null 2>&1; then
        { wine_reg query 'HKCU\Software' >/dev/null 2>&1 &&
            ! wine_reg query 'HKCU\Software\mobsync' >/dev/null 2>&1; } ||
            die "cannot remove the settings (HKCU\\Software\\mobsync)"
    fi
    # What the agent's runs printed (<Local AppData>\mobsync).
    rm -rf "$prefix"/drive_c/users/*/AppData/Local/mobsync ||
        die "cannot remove what the automatic runs wrote (AppData/Local/mobsync)"
    say "took out the logon run's values, the settings (HKCU\\Software\\mobsync) and what the automatic runs wrote"

    for a in $arches; do
        d=$(sys_dir "$a")
        for f in $FILES; do
            if [ -e "$state/$a-$f" ]; then
                cp -p "$state/$a-$f" "$d/$f" || die "cannot put back the ${a}-bit $f that was there before"
                say "put back the ${a}-bit $f that was there before"
            elif [ -e "$state/$a-$f.none" ] || [ -f "$d/$f" ]; then
                rm -f "$d/$f" || die "cannot remove ${a}-bit $f from ${d#"$prefix"/}"
                say "removed ${a}-bit $f from ${d#"$prefix"/}"
            fi
        done
    done

    # What a program gets now, unless a mobsync.dll of before is back. The
    # builtin one of a system-wide install lost its registration to
    # regsvr32 /u above: it registers itself again, as wineboot -u would.
    for a in $arches; do
        if [ -e "$state/$a-mobsync.dll" ] && is_builtin "$state/$a-mobsync.dll"; then
            run_arch "$a" regsvr32 /s mobsync.dll >/dev/null 2>&1 ||
                die "the ${a}-bit mobsync of Wine's own folders is back, but its regsvr32 failed: run wineboot -u in this prefix"
            probe "$a" ||
                die "the ${a}-bit mobsync of Wine's own folders is back and registered, but a ${a}-bit program cannot use it: $probe_line"
            say "the ${a}-bit mobsync of Wine's own folders is back and registered; checked: $probe_line"
            continue
        fi
        if [ -e "$state/$a-mobsync.dll" ]; then
            say "the ${a}-bit mobsync.dll of before is back; its registration is its own"
            continue
        fi
        probe "$a"
        case $?:$probe_line in
            0:*) die "uninstalled, but a ${a}-bit program still gets CLSID_SyncMgr: $probe_line" ;;
            1:*"(class not registered)") say "checked: $probe_line" ;;
            2:*) die "uninstalled, but cannot check that the ${a}-bit class is gone: $probe_line" ;;
            *) die "uninstalled, but the ${a}-bit CLSID_SyncMgr is not gone: $probe_line" ;;
        esac
    done
    "$WINESERVER" -w
    rm -rf "$state"
    say "done: mobsync is uninstalled from $prefix"
}

"do_$verb"
