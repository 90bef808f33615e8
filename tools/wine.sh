# shellcheck shell=bash
# Shared by tools/bootstrap, tools/runtests, tools/demo, tools/setup_mobsync.sh,
# bench/run.sh and tests/setup/setup_test.sh (sourced, not run): which Wine
# loader starts which architecture, and whether 32-bit programs can run.
#
# Plain "wine" is no architecture: with Debian's wine32 installed it is the
# 32-bit loader, which runs "C:\windows\system32\X.exe" as the 32-bit
# syswow64\X.exe (file-system redirection) and its regsvr32 writes the 32-bit
# registry view. So a script that means an architecture says so:
#
#   mobsync_run64 PROGRAM ARG...    a 64-bit program (system32's, or a path)
#   mobsync_run32 PROGRAM ARG...    a 32-bit program (syswow64's, or a path)
#   mobsync_reg64 ARG...            reg.exe, 64-bit: mobsync_run64 reg ARG...
#   mobsync_reg32 ARG...            reg.exe, 32-bit: mobsync_run32 reg ARG...
#   mobsync_can_run32               0 when 32-bit programs run here; otherwise
#                                   1, with the reason in $mobsync_no32_reason
#
# WINE (default wine) is the configured loader; WINE64 and WINE32 may name the
# loaders outright. MOBSYNC_NO_WINE32=1 makes everything act as if no 32-bit
# Wine were installed, so that a 64-bit-only set-up stays testable on a
# machine that has both.

# Debian's Wine 10.0 aborts at start-up ("free(): invalid pointer") when
# TMPDIR is set at all, even to /tmp or to nothing; Wine 8.0 does not mind.
# Nothing a Wine process runs needs it (a prefix has its own TEMP), so the
# scripts keep it to themselves: it moves to MOBSYNC_TMPDIR, which the
# scripts read (and their children inherit), and the Wine processes they
# start never see it.
if [ -n "${TMPDIR+set}" ]; then
    [ -z "$TMPDIR" ] || export MOBSYNC_TMPDIR="$TMPDIR"
    unset TMPDIR
fi

# Why 32-bit programs cannot run here (mobsync_can_run32), once asked.
mobsync_no32_reason=${mobsync_no32_reason:-}

# Prints the Windows path (Z:\...) of the Unix path $1, for a Wine program.
mobsync_z_path() { printf 'Z:%s\n' "${1//\//\\}"; }

# Prints the 64-bit loader.
mobsync_wine64()
{
    local w dir
    if [ -n "${WINE64:-}" ]; then echo "$WINE64"; return; fi
    # Debian and Ubuntu: wine64 is not on PATH, it is here.
    if [ -x /usr/lib/wine/wine64 ]; then echo /usr/lib/wine/wine64; return; fi
    if w=$(command -v wine64 2>/dev/null); then echo "$w"; return; fi
    # WineHQ's layout: wine64 beside the 32-bit wine.
    if w=$(command -v "${WINE:-wine}" 2>/dev/null); then
        dir=$(dirname "$w")
        if [ -x "$dir/wine64" ]; then echo "$dir/wine64"; return; fi
    fi
    # Only one loader: a 64-bit Wine without its 32-bit half.
    echo "${WINE:-wine}"
}

# Prints the 32-bit loader, or nothing when there is none.
mobsync_wine32()
{
    local w
    if [ -n "${WINE32:-}" ]; then echo "$WINE32"; return; fi
    # Debian's wine32 package.
    if [ -x /usr/lib/wine/wine ]; then echo /usr/lib/wine/wine; return; fi
    # WineHQ's layout: "wine" is the 32-bit loader when wine64 is beside it.
    if w=$(command -v "${WINE:-wine}" 2>/dev/null) && [ -x "$(dirname "$w")/wine64" ] &&
       [ "$(basename "$w")" != wine64 ] && ! grep -q 'wine32=' "$w" 2>/dev/null; then
        echo "$w"
    fi
}

mobsync_run64() { "$(mobsync_wine64)" "$@"; }

mobsync_run32()
{
    local w
    w=$(mobsync_wine32)
    if [ -z "$w" ]; then echo "no 32-bit Wine loader (install wine32)" >&2; return 127; fi
    "$w" "$@"
}

# reg.exe by its path. "wine reg" names no file, so Wine's loader hands the
# command line to start.exe, which finds reg.exe on PATH and starts it as a
# second process; by its path the loader runs reg.exe itself. Half the
# processes and a quarter of the time (0.08 s a call against 0.34 s, 100
# calls each to a running wineserver), and no CreateProcess of start.exe's
# to fail: one did in CI, the events test's reg.exe ending before it ran
# ("ShellExecuteEx failed: Internal error", nothing from Wine), as a
# setup_mobsync.sh reg add once failed with nothing to go on; neither came
# back in 26 events test runs and 400 calls since.
mobsync_reg64() { mobsync_run64 'C:\windows\system32\reg.exe' "$@"; }
mobsync_reg32() { mobsync_run32 'C:\windows\system32\reg.exe' "$@"; }

# Does the kernel run 32-bit x86 code? Runs a 93-byte i386 ELF that only
# calls exit(42): no 32-bit toolchain or library is needed to make or run it.
# A folder mounted noexec is told apart by a shell script run from it first.
mobsync_kernel_runs32()
{
    local d f hex h rc
    hex="7f 45 4c 46 01 01 01 00 00 00 00 00 00 00 00 00
         02 00 03 00 01 00 00 00 54 80 04 08 34 00 00 00
         00 00 00 00 00 00 00 00 34 00 20 00 01 00 00 00
         00 00 00 00 01 00 00 00 00 00 00 00 00 80 04 08
         00 80 04 08 5d 00 00 00 5d 00 00 00 05 00 00 00
         00 10 00 00 31 db b3 2a 31 c0 40 cd 80"
    for d in ${MOBSYNC_TMPDIR:+"$MOBSYNC_TMPDIR"} /tmp /var/tmp "$(pwd)"; do
        f=$(mktemp "$d/mobsync-probe32.XXXXXX" 2>/dev/null) || continue
        printf '#!/bin/sh\nexit 7\n' > "$f"
        chmod +x "$f"
        "$f" 2>/dev/null
        if [ $? != 7 ]; then rm -f "$f"; continue; fi
        for h in $hex; do printf '%b' "\\0$(printf '%03o' "0x$h")"; done > "$f"
        "$f" 2>/dev/null
        rc=$?
        rm -f "$f"
        [ $rc = 42 ]
        return
    done
    return 1
}

# 0 when this machine runs 32-bit Windows programs: a kernel that runs 32-bit
# code and a 32-bit Wine. The answer is worked out once per shell (a call in
# a subshell keeps it, and the reason, to that subshell).
mobsync_can_run32()
{
    if [ -z "${mobsync_run32_known:-}" ]; then
        mobsync_run32_known=1
        mobsync_no32_reason=""
        if [ "${MOBSYNC_NO_WINE32:-0}" = 1 ]; then
            mobsync_no32_reason="MOBSYNC_NO_WINE32=1"
        elif ! mobsync_kernel_runs32; then
            mobsync_no32_reason="the kernel does not run 32-bit code"
        elif [ -z "$(mobsync_wine32)" ]; then
            mobsync_no32_reason="no 32-bit Wine (Debian's wine32) is installed"
        fi
    fi
    [ -z "$mobsync_no32_reason" ]
}

# Prints "PID COMMAND-LINE", one line each, for the processes of the Wine
# prefix in folder $1 whose command line matches the extended regular
# expression $2. Wine shows a program's Windows command line as the
# process's ("C:\windows\system32\mobsync.exe /agent"); its arguments are
# joined by spaces, trailing ones dropped, as pgrep -f does. A process
# belongs to the prefix its WINEPREFIX names (~/.wine without one); those of
# other prefixes and users are left out. It reads /proc alone: a minimal
# Debian has no procps (pgrep), and the installer must find the agent there
# too. One grep reads every command line (grep -z: an argument a record,
# named by its file), so that a look costs a few processes, not a few for
# every process.
mobsync_prefix_processes()
{
    local want pid cmd its
    want=$(cd "$1" 2>/dev/null && pwd -P) || return 0
    grep -asHz '' /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' '\n' |
        MOBSYNC_RE=$2 awk '
            function flush() {
                # Wine pads the command line it writes over the Unix one
                # with NULs: empty arguments at the end, left out.
                sub(/ +$/, "", cmd)
                if (file != "" && cmd ~ ENVIRON["MOBSYNC_RE"]) {
                    split(file, part, "/"); print part[3], cmd
                }
            }
            {
                i = index($0, ":"); f = substr($0, 1, i - 1); arg = substr($0, i + 1)
                if (f != file) { flush(); file = f; cmd = arg } else cmd = cmd " " arg
            }
            END { flush() }' |
        while read -r pid cmd; do
            [ "$pid" != "$$" ] || continue
            # A process that has ended since is no longer there to read.
            its=$({ tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | sed -n 's/^WINEPREFIX=//p')
            its=$(cd "${its:-$HOME/.wine}" 2>/dev/null && pwd -P) || continue
            [ "$its" = "$want" ] && printf '%s %s\n' "$pid" "$cmd"
        done
    return 0
}
