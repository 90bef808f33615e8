# shellcheck shell=bash
# Shared by tools/runtests, tools/demo, bench/run.sh and tests/setup/setup_test.sh
# (sourced, not run): where throwaway Wine prefixes go, and how they are made.
# Brings tools/wine.sh with it.
#
# shellcheck source=wine.sh
. "$(dirname "${BASH_SOURCE[0]}")/wine.sh"

# A new 64-bit prefix of Debian's Wine 8.0 takes about 700 MB, and about
# 1.3 GB with wine32 (wineboot copies every PE DLL of both architectures into
# it), and a wineboot that runs out of room fails without a word under
# WINEDEBUG=-all. So the folder is chosen where there is room, and a failed
# wineboot says why.

# Space one prefix needs, in KiB. Once a prefix has been made in this run,
# its real size ($MOBSYNC_PREFIX_KIB, exported by mobsync_wineboot); before
# that, what wineboot will copy (the installed Wine's PE DLLs) plus a margin.
mobsync_prefix_kib()
{
    local kib
    if [ -n "${MOBSYNC_PREFIX_KIB:-}" ]; then echo "$MOBSYNC_PREFIX_KIB"; return; fi
    kib=$(du -skL /usr/lib/*/wine/*-windows /usr/lib/wine/*-windows /opt/wine*/lib*/wine/*-windows \
          2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
    if [ "$kib" -lt 100000 ]; then kib=1500000; fi
    echo $(( kib * 11 / 10 + 65536 ))
}

# Free KiB in the filesystem that holds folder $1.
mobsync_free_kib()
{
    df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'
}

# Prints a folder for temporary prefixes that has room for $1 of them
# (default 1): the first of $TMPDIR (kept in $MOBSYNC_TMPDIR: tools/wine.sh),
# /tmp, /var/tmp and the build tree's .tmp with room, else the one with the
# most room. Passing over a $TMPDIR that is too small is said on stderr.
mobsync_tmp_base()
{
    local want=$(( ${1:-1} * $(mobsync_prefix_kib) )) best="" best_free=-1 d free
    for d in ${MOBSYNC_TMPDIR:+"$MOBSYNC_TMPDIR"} /tmp /var/tmp "$(pwd)/.tmp"; do
        if ! mkdir -p "$d" 2>/dev/null || [ ! -w "$d" ]; then continue; fi
        free=$(mobsync_free_kib "$d")
        [ -n "$free" ] || continue
        if [ "$free" -ge "$want" ]; then
            [ -z "${MOBSYNC_TMPDIR:-}" ] || [ "$d" = "$MOBSYNC_TMPDIR" ] ||
                echo "TMPDIR ($MOBSYNC_TMPDIR) has not the $(( want / 1024 )) MiB the Wine prefixes need; using $d" >&2
            echo "$d"
            return
        fi
        if [ "$free" -gt "$best_free" ]; then best=$d; best_free=$free; fi
    done
    echo "${best:-/tmp}"
}

# Creates a prefix in $1, logging to $2: 64-bit (with WoW64 where wine32 is
# installed), or of the architecture $3 names (win64, win32); WINESERVER from
# the environment. Returns 0 when the prefix exists; otherwise prints what went
# wrong on stderr and returns 1. Tries twice, so that a one-off failure does
# not fail a whole test run, and a repeated one shows its log.
mobsync_wineboot()
{
    local prefix=$1 log=$2 winearch=${3:-win64} try free run=mobsync_run64
    [ "$winearch" = win32 ] && run=mobsync_run32
    for try in 1 2; do
        WINEPREFIX="$prefix" WINEARCH=$winearch WINEDEBUG=-all,err+all \
            $run wineboot -i >"$log" 2>&1
        echo "wineboot exit status: $?" >>"$log"
        WINEPREFIX="$prefix" "${WINESERVER:-wineserver}" -w
        if [ -f "$prefix/system.reg" ]; then
            # Measured, with a tenth to spare for what the tests add: the
            # next prefixes of this run are planned from the largest.
            MOBSYNC_PREFIX_KIB=$(du -sk "$prefix" |
                awk -v had="${MOBSYNC_PREFIX_KIB:-0}" '{ k = int($1 * 11 / 10); print (k > had ? k : had) }')
            export MOBSYNC_PREFIX_KIB
            return 0
        fi
        WINEPREFIX="$prefix" "${WINESERVER:-wineserver}" -k >/dev/null 2>&1
        echo "wineboot: attempt $try did not create $prefix/system.reg" >&2
        # What it left is no prefix to build on, and may be what filled the disk.
        rm -rf "$prefix"
    done
    {
        echo "wineboot log ($log):"
        tail -n 40 "$log"
        free=$(mobsync_free_kib "$(dirname "$prefix")")
        echo "free space where the prefix goes: $(( ${free:-0} / 1024 )) MiB (a prefix needs about $(( $(mobsync_prefix_kib) / 1024 )) MiB; no folder tried had more: set TMPDIR to one that has)"
        echo "wine: $(mobsync_run64 --version 2>&1)"
    } >&2
    return 1
}
