# Shared by tools/runtests, tools/demo, bench/run.sh and tests/setup/setup_test.sh
# (sourced, not run): where throwaway Wine prefixes go, and how they are made.
#
# A fresh 64-bit prefix of Debian's Wine 8.0 takes about 700 MB (wineboot
# copies every PE DLL into it), and a wineboot that runs out of room fails
# without a word under WINEDEBUG=-all. So the folder is chosen where there is
# room, and a failed wineboot says why.

# Space one prefix needs, in KiB (measured: 693 MB; with room to spare).
mobsync_prefix_kib=1100000

# Free KiB in the filesystem that holds folder $1.
mobsync_free_kib()
{
    df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'
}

# Prints a folder for temporary prefixes that has room for $1 of them
# (default 1): the first of $TMPDIR, /tmp, /var/tmp and the build tree's .tmp
# with room, else the one with the most room. Passing over a $TMPDIR that
# is too small is said on stderr.
mobsync_tmp_base()
{
    local want=$(( ${1:-1} * mobsync_prefix_kib )) best= best_free=-1 d free
    for d in ${TMPDIR:+"$TMPDIR"} /tmp /var/tmp "$(pwd)/.tmp"; do
        mkdir -p "$d" 2>/dev/null && [ -w "$d" ] || continue
        free=$(mobsync_free_kib "$d")
        [ -n "$free" ] || continue
        if [ "$free" -ge "$want" ]; then
            [ -z "${TMPDIR:-}" ] || [ "$d" = "$TMPDIR" ] ||
                echo "TMPDIR ($TMPDIR) has not the $(( want / 1024 )) MiB the Wine prefixes need; using $d" >&2
            echo "$d"
            return
        fi
        if [ "$free" -gt "$best_free" ]; then best=$d; best_free=$free; fi
    done
    echo "${best:-/tmp}"
}

# Creates a 64-bit prefix in $1 (WINE and WINESERVER from the environment),
# logging to $2. Returns 0 when the prefix exists; otherwise prints what went
# wrong on stderr and returns 1. Tries twice, so that a one-off failure does
# not fail a whole test run, and a repeated one shows its log.
mobsync_wineboot()
{
    local prefix=$1 log=$2 try free
    for try in 1 2; do
        WINEPREFIX="$prefix" WINEARCH=win64 WINEDEBUG=-all,err+all \
            "${WINE:-wine}" wineboot -i >"$log" 2>&1
        echo "wineboot exit status: $?" >>"$log"
        WINEPREFIX="$prefix" "${WINESERVER:-wineserver}" -w
        [ -f "$prefix/system.reg" ] && return 0
        WINEPREFIX="$prefix" "${WINESERVER:-wineserver}" -k >/dev/null 2>&1
        echo "wineboot: attempt $try did not create $prefix/system.reg" >&2
        # What it left is no prefix to build on, and may be what filled the disk.
        rm -rf "$prefix"
    done
    {
        echo "wineboot log ($log):"
        tail -n 40 "$log"
        free=$(mobsync_free_kib "$(dirname "$prefix")")
        echo "free space where the prefix goes: $(( ${free:-0} / 1024 )) MiB (a prefix needs about $(( mobsync_prefix_kib / 1024 )) MiB; no folder tried had more: set TMPDIR to one that has)"
        echo "wine: $("${WINE:-wine}" --version 2>&1)"
    } >&2
    return 1
}
