#!/bin/bash
# make bench: every figure of the benchmarks, each against its baseline
# measured in the same run, one line each (README.md, "Performance").
#
# The engine's figures are read inside the processes (mobsync.exe's
# +mobsync_timing line, docs/engine.md; the floor's, bench/driver), never
# from whole Wine processes, whose start-up varies by more than those
# figures judge; start-up is a figure of its own. What is compared is
# measured in turns, round after round (benchrun), and every figure is
# printed as its median with, in brackets, a distribution-free interval of
# at least 95% for that median (bench/stats.awk; the minimum and maximum
# below 6 rounds). A target is "met" or "not met" only when the whole
# interval lies on one side of it; otherwise "undecided (+-X)", X being
# half the interval: that fails make bench no more than "met" does, but is
# counted and listed at the end. A figure whose runs gave no data is "not
# measured" and makes make bench fail once every figure has been tried.
#
# BENCH_CPU sets the processor the run is pinned to (below; "all": none).
# BENCH_ROUNDS (default 15) sets the rounds; BENCH_QUICK=1 makes a short run
# while working on the benchmarks (5 rounds, up to 10,000 items), whose
# intervals are wide. BENCH_BASE=COMMIT (make bench BASE=COMMIT) builds that
# commit's mobsync.exe and mobsync.dll in a work tree of their own (a git
# archive under the temporary folder, removed afterwards), installs them as
# mobsync_base.exe and mobsync_base.dll beside this tree's, measures both
# in the same turns and prints each figure's ratio new/base with its
# interval; figures that go through the prefix's one registered
# CLSID_SyncMgr or mobsync.exe (the hand-off, the /invoke soak, the agent)
# are not compared.
#
# Runs in a throwaway prefix, 64-bit (with or without wine32 installed,
# tools/wine.sh), but the figures across architectures: they need the
# 32-bit half, and where 32-bit programs cannot run they say so. Takes
# about ten minutes; twice that with BASE.
# $(handlers N...) is a list of /handler: switches, split into words on
# purpose.
# shellcheck disable=SC2046
set -eu
WINESERVER=${WINESERVER:-wineserver}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(pwd)

if [ -z "${DISPLAY:-}" ] && [ -z "${BENCH_UNDER_XVFB:-}" ] && command -v "${XVFB_RUN:-xvfb-run}" >/dev/null; then
    export BENCH_UNDER_XVFB=1
    exec "${XVFB_RUN:-xvfb-run}" -a "$0" "$@"
fi

# One processor for everything measured (BENCH_CPU, default the last one
# this process may use; BENCH_CPU=all for none): a Wine server call costs
# a third more when the program and the server run on different
# processors (the wake-up of the other crosses between them; 31 against
# 42 us measured on the 2-core virtual machines here), and the scheduler
# places them anew for every process, so that raw times unpinned fall into
# two groups a third apart, in shares that change from run to run. The
# rest of the machine (the shell, the kernel's threads, Xvfb, started
# above) keeps the other processors. The figures judged are ratios within
# the same turns either way; it is the raw times that pinning makes
# repeatable.
if [ -z "${BENCH_PINNED:-}" ] && [ "${BENCH_CPU:-}" != all ] && [ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null; then
    cpu=${BENCH_CPU:-$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | awk -F'[,-]' '{ print $NF }')}
    export BENCH_PINNED="$cpu"
    exec taskset -c "$cpu" "$0" "$@"
fi

# shellcheck source=../tools/wineprefix.sh
. "$src/tools/wineprefix.sh"
quick=${BENCH_QUICK:-0}
# Flat: the slope up to small_max items against the one from large_min on.
if [ "$quick" = 1 ]; then
    rounds=${BENCH_ROUNDS:-5}
    sizes="10 100 1000 10000"
    small_max=100 large_min=1000
else
    rounds=${BENCH_ROUNDS:-15}
    sizes="10 100 1000 10000 100000"
    small_max=1000 large_min=10000
fi
base=${BENCH_BASE:-}
tmp=$(mktemp -d "$(mobsync_tmp_base 1)/mobsync-bench.XXXXXX")
export WINEPREFIX="$tmp/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# The prefix's server saves the registry as it goes: waited for before the
# folder goes, and what the run ends with is its own status, not this.
cleanup()
{
    local status=$?
    "$WINESERVER" -k >/dev/null 2>&1 || true
    "$WINESERVER" -w >/dev/null 2>&1 || true
    rm -rf "$tmp" 2>/dev/null || { sleep 2; rm -rf "$tmp" || true; }
    exit "$status"
}
trap cleanup EXIT

# The base's mobsync.exe and mobsync.dll, built with this tree's
# configuration, before anything is measured: a build that fails stops here.
if [ -n "$base" ]; then
    commit=$(git -C "$src" rev-parse --verify --quiet "$base^{commit}") ||
        { echo "bench: BASE=$base is no commit of $src" >&2; exit 2; }
    echo "bench: building $base ($(git -C "$src" log -1 --format='%h %s' "$commit")) as the base"
    mkdir -p "$tmp/base"
    git -C "$src" archive "$commit" | tar -x -C "$tmp/base"
    [ ! -d "$build/winetest" ] || cp -R "$build/winetest" "$tmp/base/"
    config=$("$build/config.status" --config)
    if ! (cd "$tmp/base" && autoconf && eval "./configure -q $config" &&
          ${MAKE:-make} -j2 x86_64/programs/mobsync/mobsync.exe x86_64/dlls/mobsync/mobsync.dll) \
          > "$tmp/base-build.log" 2>&1; then
        tail -n 30 "$tmp/base-build.log" >&2
        echo "bench: the base ($base) did not build" >&2
        exit 1
    fi
fi

mobsync_wineboot "$WINEPREFIX" "$tmp/wineboot.log" || { echo "bench: wineboot failed to create the prefix" >&2; exit 1; }
"$src/tools/setup_mobsync.sh" install >/dev/null
sys="$WINEPREFIX/drive_c/windows/system32"
cp x86_64/bench/handler/benchhandler.dll x86_64/bench/driver/benchdriver.exe \
   x86_64/bench/benchrun/benchrun.exe x86_64/bench/benchreg/benchreg.exe \
   x86_64/bench/benchlat/benchlat.exe x86_64/bench/benchdialog/benchdialog.exe "$sys/"
if [ -n "$base" ]; then
    cp "$tmp/base/x86_64/programs/mobsync/mobsync.exe" "$sys/mobsync_base.exe"
    cp "$tmp/base/x86_64/dlls/mobsync/mobsync.dll" "$sys/mobsync_base.dll"
fi
mkdir -p "$WINEPREFIX/drive_c/bench"

clsid() { printf '{B3C4B3C4-0000-4000-8000-0000000000%02X}' "$1"; }
# A .reg file that registers bench handlers N... from benchhandler.dll in
# system32 (syswow64 for the 32-bit regedit that imports it).
reg_handlers()
{
    local n c
    echo "REGEDIT4"
    for n in "$@"; do
        c=$(clsid "$n")
        printf '\n[HKEY_LOCAL_MACHINE\\Software\\Classes\\CLSID\\%s\\InprocServer32]\n@="C:\\\\windows\\\\system32\\\\benchhandler.dll"\n"ThreadingModel"="Apartment"\n' "$c"
        printf '\n[HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers\\%s]\n' "$c"
    done
}
reg_handlers 1 2 3 4 5 6 7 8 $((0x11)) $((0x12)) $((0x13)) $((0x14)) $((0x15)) $((0x16)) $((0x17)) $((0x18)) \
    $((0x20)) $((0x30)) > "$tmp/handlers.reg"
mobsync_run64 regedit /S "Z:$tmp/handlers.reg" >/dev/null 2>&1
# The same handlers as CLSID n + 0x40, registered for 32-bit only (bench.h),
# where 32-bit programs run.
if mobsync_can_run32; then
    cp i686/bench/handler/benchhandler.dll "$WINEPREFIX/drive_c/windows/syswow64/"
    reg_handlers $((0x01 + 0x40)) $((0x20 + 0x40)) > "$tmp/handlers32.reg"
    mobsync_run32 regedit /S "Z:$tmp/handlers32.reg" >/dev/null 2>&1
fi
# Sessions are measured headless, as the engine they time; the dialog
# figures ask for windows themselves (MOBSYNC_HEADLESS=0).
mobsync_reg64 add 'HKCU\Software\mobsync' /v Headless /t REG_DWORD /d 1 /f >/dev/null 2>&1
"$WINESERVER" -w

handlers() { local a="" n; for n in "$@"; do a="$a /handler:$(clsid "$n")"; done; echo "$a"; }

# --- reading the runs ------------------------------------------------------

# runs FILE ROUNDS COMMAND...: benchrun's runs, in turns, with the timing
# channel on; FILE gets one line per run (bench/stats.awk, mode=log):
# ROUND COMMAND EXIT WHOLE HANDLERS ITEMS WALL CPU LOAD ENUMERATE PREPARE
# SYNCHRONIZE OUTPUT RELEASE STARTUP PEAK.
runs()
{
    local file=$1 n=$2
    shift 2
    WINEDEBUG=-all,trace+mobsync_timing mobsync_run64 benchrun.exe "$n" "$@" >/dev/null 2> "$file.log" || true
    tr -d '\r' < "$file.log" | awk -v mode=log -f "$src/bench/stats.awk" > "$file"
}
# A figure whose turns take seconds can fall whole in one of the host's
# slow spells, which have lasted over half a minute (the machine's figure
# at a run's start 27% slower than the run before's, and the engine's
# fastest round 24% slower with it); such a figure takes its rounds in
# three parts spread over the run: before start-up's figure, before
# Progress's and in its own place (all three there when those did not run).
# spread_part NAME STEP: figure NAME's next part, "STEP PART", each part a
# third of the rounds; nothing when BENCH_ONLY leaves NAME out.
declare -A parts
part_rounds=$(( (rounds + 2) / 3 ))
spread_part()
{
    case " ${BENCH_ONLY:-$1} " in *" $1 "*) ;; *) return 0 ;; esac
    parts[$1]=$(( ${parts[$1]:-0} + 1 ))
    "$2" "${parts[$1]}"
}
# spread_rest NAME STEP: the part in the figure's own place, and those still
# to take.
spread_rest()
{
    spread_part "$1" "$2"
    while [ "${parts[$1]}" -lt 3 ]; do spread_part "$1" "$2"; done
}
# runs_part FILE PART COMMAND...: runs (above) for a part, added to FILE,
# its rounds numbered on from the part before's (1000 a part).
runs_part()
{
    local file=$1 part=$2
    shift 2
    [ "$part" != 1 ] || : > "$file"
    runs "$file.$part" "$part_rounds" "$@"
    awk -v p="$part" '$1 >= 0 { $1 += 1000 * p; print }' "$file.$part" >> "$file"
}
# column FILE COMMAND COLUMN: that column of the command's reported runs.
column() { awk -v c="$2" -v k="$3" '$1 >= 0 && $2 == c && $3 == 0 && $k != "-" { print $k }' "$1"; }
# fastest_run FILE COMMAND: the command's reported run of the least wall time.
fastest_run() { awk -v c="$2" '$1 >= 0 && $2 == c && $3 == 0 && $7 != "-" && (row == "" || $7 < best) { best = $7; row = $0 } END { print row }' "$1"; }
# phase_share FILE COMMAND COLUMN: that phase's percentage of the command's
# phases (columns 9 to 14), run by run.
phase_share()
{
    awk -v c="$2" -v k="$3" '$1 >= 0 && $2 == c && $3 == 0 && $k != "-" {
        t = 0; for (i = 9; i <= 14; i++) t += $i; if (t > 0) print 100 * $k / t }' "$1"
}
# per_round FILE A B COLUMN OP: A's value OP B's, round by round (OP / or -).
per_round()
{
    awk -v a="$2" -v b="$3" -v k="$4" -v op="$5" '
        $1 >= 0 && $3 == 0 && $k != "-" && $2 == a { va[$1] = $k }
        $1 >= 0 && $3 == 0 && $k != "-" && $2 == b { vb[$1] = $k }
        END { for (r in va) if (r in vb) { if (op == "-") print va[r] - vb[r]; else if (vb[r] > 0) print va[r] / vb[r] } }' "$1"
}
# points FILE COLUMNS "COMMAND..." "X...": "ROUND X VALUE" lines, the i-th
# command of the list at the i-th size, for a slope; VALUE is the sum of
# the COLUMNS, "K" or "K+L+...".
points()
{
    awk -v k="$2" -v cmds="$3" -v xs="$4" '
        BEGIN { n = split(cmds, c, " "); split(xs, v, " "); for (i = 1; i <= n; i++) x[c[i]] = v[i]
                m = split(k, ks, "+") }
        $1 >= 0 && $3 == 0 && ($2 in x) {
            for (i = 1; i <= m; i++) { if ($ks[i] == "-") next; y = (i == 1 ? 0 : y) + $ks[i] }
            print $1, x[$2], y }' "$1"
}
summary() { awk -v mode=summary -f "$src/bench/stats.awk"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# Figures are printed with the digits they deserve: 3 significant ones.
num()
{
    awk -v v="$1" 'BEGIN { a = v < 0 ? -v : v
        if (a >= 1000) printf "%.0f", v; else if (a >= 100) printf "%.0f", v
        else if (a >= 10) printf "%.1f", v; else if (a >= 1) printf "%.2f", v
        else if (a >= 0.1) printf "%.3f", v; else printf "%.3g", v }'
}
# A summary's median and interval: "MEDIAN [LO, HI]", with UNIT after each
# number; the interval's rule is said once, in the first line of output.
stat() { local n m lo hi u=${2:-}; read -r n m _ _ lo hi _ <<< "$1"; echo "$(num "$m")$u [$(num "$lo")$u, $(num "$hi")$u]"; }
# A raw time's fastest round (a rate's: "high"), beside its median: the
# host of these virtual machines slows a processor by up to half for
# seconds at a time (a native loop, pinned, on an idle machine: 35 ms,
# then 48 ms for the same block of work), so a run's median falls in either
# state, in the shares the host gave that run; a slow spell only ever adds
# time, and the fastest round is the code's own and repeats from run to
# run.
fastest() { local mn mx; read -r _ _ mn mx _ <<< "$1"; echo "fastest $(num "$([ "${3:-}" = high ] && echo "$mx" || echo "$mn")")${2:-}"; }
median_of() { local m; read -r _ m _ <<< "$1"; echo "$m"; }
# millions SUMMARY: the summary with its figures in millions.
millions() { echo "$1" | awk '{ for (i = 2; i <= NF; i++) $i /= 1e6; print }'; }

# measured FIGURE SUMMARY...: true when each summary has values; otherwise
# says the figure was not measured, and make bench will fail.
unmeasured=0
measured()
{
    local what=$1 s
    shift
    for s in "$@"; do
        if [ "${s%% *}" = 0 ] || [ -z "$s" ]; then
            echo "$what: not measured: its runs gave no usable data"
            unmeasured=$((unmeasured + 1))
            return 1
        fi
    done
}

# verdict FIGURE SUMMARY TARGET RULE: met, not met or undecided (+-X) for a
# figure whose interval is the summary's; RULE: le (<= TARGET), lt, ge,
# within (TARGET a factor: from 1/TARGET to TARGET). Called in $(...): the
# undecided ones are kept in a file.
: > "$tmp/undecided"
verdict()
{
    local what=$1 t=$3 rule=$4 n m lo hi v
    read -r n m _ _ lo hi _ <<< "$2"
    v=$(awk -v lo="$lo" -v hi="$hi" -v t="$t" -v rule="$rule" 'BEGIN {
        if (rule == "le") { yes = hi <= t; no = lo > t }
        else if (rule == "lt") { yes = hi < t; no = lo >= t }
        else if (rule == "ge") { yes = lo >= t; no = hi < t }
        else { yes = lo >= 1 / t && hi <= t; no = hi < 1 / t || lo > t }
        print yes ? "met" : no ? "not met" : "undecided" }')
    if [ "$v" = undecided ]; then
        echo "$what" >> "$tmp/undecided"
        v="undecided (+-$(num "$(calc "%.6g" "($hi - $lo) / 2")"))"
    fi
    echo "$v"
}
# undecided_because FIGURE WHY: an undecided verdict for a reason of its own.
undecided_because() { echo "$1" >> "$tmp/undecided"; echo "undecided ($2)"; }
# More work that measured faster, or a cost below zero, says the
# measurement is wrong, not the code: such figures are listed at the end.
# A ratio (FLOOR 1) is suspect only beyond what the bench resolves, a
# tenth: more work within it faster costs nothing the bench can tell.
suspect=""
check_more_work()
{
    local what=$1 hi floor=${3:-1}
    read -r _ _ _ _ _ hi _ <<< "$2"
    if awk -v hi="$hi" -v floor="$floor" 'BEGIN { exit !(hi < (floor == 1 ? 0.9 : floor)) }'; then
        suspect="$suspect${suspect:+; }$what"
        echo "  check: $what measured less than $([ "$floor" = 1 ] && echo 0.9 || echo "$floor") with more work: the measurement, not the code, is suspect"
    elif [ "$floor" = 1 ] && awk -v hi="$hi" 'BEGIN { exit !(hi < 1) }'; then
        echo "  (more work measured up to a tenth faster: no cost this bench can tell)"
    fi
}

# ab FIGURE FILE NEW-CMD BASE-CMD COLUMN: the ratio new/base, round by round.
ab()
{
    local what=$1 file=$2 new=$3 old=$4 k=$5 r
    [ -n "$base" ] || return 0
    r=$(per_round "$file" "$new" "$old" "$k" / | summary)
    if [ "${r%% *}" = 0 ]; then
        r=$(per_round "$file" "$new" "$old" 4 / | summary)
        if [ "${r%% *}" = 0 ]; then echo "  new/base, $what: not measured"; return; fi
        echo "  new/base, $what: $(stat "$r" x) as whole processes (the base writes no mobsync_timing line)"
        return
    fi
    echo "  new/base, $what: $(stat "$r" x) (base $(stat "$(column "$file" "$old" "$k" | summary)"))"
}

echo "bench: $rounds rounds; each figure: its median [an interval of at least 95% for the median]; in-process figures unless said; $([ -n "${BENCH_PINNED:-}" ] && echo "every program on processor $BENCH_PINNED (BENCH_CPU)" || echo "not pinned to a processor")$([ "$quick" = 1 ] && echo "; BENCH_QUICK: short run, wide intervals")"

# --- 0. the machine ---------------------------------------------------------
# What the raw times are made of, with nothing of mobsync's (benchdriver
# /machine): a new page first written, a loop of arithmetic, a call to the
# Wine server. On a virtual machine these move from one run to the next
# (a page's first write is a trip to the hypervisor, tens of microseconds
# under load on the 2-core machines here), and the engine's and the
# floor's raw times with them: measured at the
# start and at the end of the run, they say whether the machine moved. The
# judged figures are ratios against what was measured in the same turns.
# machine WHEN: one line, its figures over the rounds.
machine()
{
    local file="$tmp/machine-$1" page loop server
    runs "$file" "$rounds" "benchdriver.exe /machine"
    tr -d '\r' < "$file.log" | awk '/^benchrun: run / { r = $3 } /^machine: / && r >= 0 { print $3, $6, $10 }' > "$file.values"
    page=$(awk '{ print $1 }' "$file.values" | summary)
    loop=$(awk '{ print $2 }' "$file.values" | summary)
    server=$(awk '{ print $3 }' "$file.values" | summary)
    measured "the machine, $1" "$page" "$loop" "$server" || return 1
    [ -n "$page_us" ] || page_us=$(median_of "$page")
    echo "the machine, $1 (nothing of mobsync's; raw times move with it): a new page first written $(stat "$page" " us"), a loop iteration $(stat "$loop" " ns"), a Wine server call $(stat "$server" " us") (report)"
}
page_us=""   # a new page's first write, from the start's figures
figure_machine() { machine "at the start"; }

# --- 1. the engine against its fair floor ----------------------------------
# /sync of 8 no-op handlers x 250 items (2,000 result lines) against
# bench/driver: the same calls on the same handlers, each on an apartment of
# its own, all at once, and the same lines; and the same calls on one thread.
# In three parts (spread_part), its own place after concurrency's.
engine_step()
{
    local part=$1 h8
    h8=$(handlers 1 2 3 4 5 6 7 8)
    set -- "mobsync.exe /sync $h8" "benchdriver.exe 1 2 3 4 5 6 7 8" "benchdriver.exe /one 1 2 3 4 5 6 7 8"
    [ -z "$base" ] || set -- "$@" "mobsync_base.exe /sync $h8"
    runs_part "$tmp/engine" "$part" "$@"
}
figure_engine()
{
    spread_rest engine engine_step
    e=$(column "$tmp/engine" 0 7 | summary)
    f=$(column "$tmp/engine" 1 7 | summary)
    one=$(column "$tmp/engine" 2 7 | summary)
    ratio=$(per_round "$tmp/engine" 0 1 7 / | summary)
    items=$(column "$tmp/engine" 0 6 | sort -u | tr '\n' ' ')
    if [ "${items% }" != 2000 ] && [ -n "$items" ]; then
        echo "engine time: not measured: the sessions had $items items, not 2000"
        unmeasured=$((unmeasured + 1))
    elif measured "engine time" "$e" "$f" "$ratio"; then
        echo "engine time, /sync of 8 handlers x 250 items: $(stat "$e" " ms") ($(fastest "$e" " ms")) against the fair floor's $(stat "$f" " ms") ($(fastest "$f" " ms"); the same calls, an apartment each, the same lines): $(stat "$ratio" x) (target <= 1.25x) $(verdict "engine time" "$ratio" 1.25 le)"
        # Each phase's share of the time summed over the phases, round by
        # round: a slow spell of the host stretches them all alike, and the
        # threads, which overlap, are the same on both sides.
        local phases=""
        for k in 9:load 10:enumerate 11:prepare 12:synchronize 13:output 14:release; do
            phases="$phases${phases:+, }${k#*:} $(num "$(median_of "$(phase_share "$tmp/engine" 0 "${k%%:*}" | summary)")")% / $(num "$(median_of "$(phase_share "$tmp/engine" 1 "${k%%:*}" | summary)")")%"
        done
        echo "  where the time goes, engine / floor, each phase's share of the time summed over their threads and phases: $phases"
        echo "  process CPU time meanwhile, in the fastest session (10 ms ticks): $(num "$(fastest_run "$tmp/engine" 0 | cut -d' ' -f8)") / $(num "$(fastest_run "$tmp/engine" 1 | cut -d' ' -f8)") ms"
        threads=$(per_round "$tmp/engine" 1 2 7 / | summary)
        measured "the design's apartments" "$one" "$threads" &&
        echo "  the same calls on one thread: $(stat "$one" " ms") ($(fastest "$one" " ms")); an apartment per handler costs $(stat "$threads" x) that (report)"
        ab "engine time" "$tmp/engine" 0 3 7
    fi
}

# --- 2. start-up -------------------------------------------------------------
# A one-item session as a whole process against an empty Wine process.
figure_startup()
{
    set -- "BENCH_ITEMS=1 mobsync.exe /sync $(handlers 1)" "cmd.exe /c exit"
    [ -z "$base" ] || set -- "$@" "BENCH_ITEMS=1 mobsync_base.exe /sync $(handlers 1)"
    runs "$tmp/startup" "$rounds" "$@"
    whole=$(column "$tmp/startup" 0 4 | summary)
    empty=$(column "$tmp/startup" 1 4 | summary)
    more=$(per_round "$tmp/startup" 0 1 4 - | summary)
    before=$(column "$tmp/startup" 0 15 | summary)
    inside=$(column "$tmp/startup" 0 7 | summary)
    measured "start-up" "$whole" "$empty" "$more" "$before" "$inside" &&
    echo "start-up, a one-item /sync as a whole process: $(stat "$whole" " ms") against $(stat "$empty" " ms") for an empty Wine process (cmd /c exit): $(stat "$more" " ms") more; of its time, $(stat "$before" " ms") from its creation to the session's start and $(stat "$inside" " ms") ($(fastest "$inside" " ms")) in the session (report)" &&
    ab "start-up (whole process)" "$tmp/startup" 0 2 4
}

# --- 3. per item: the slope from 10 to 100,000 items ---------------------------
# One handler with each number of items, all sizes in turns; the cost per
# item is the least-squares slope of the session's time on its items, one
# slope per round; flat: the slope from 10 to 1,000 items against the one
# from 10,000 to 100,000. The time is that of the phases whose work grows
# with the items: enumerate, prepare, synchronize and output. What a
# session does once (loading the handler, its threads and apartments,
# waking one another between phases, releasing) has no slope but is most
# of a small session: 7 ms of a 10-item one after loading, against 2.5 ms
# for the items of a 1,000-item one; the host's slow spells (the machine,
# above) stretch it by up to half, which moved the median slope up to
# 1,000 items from 1.8 to 3.3 us between two runs. The phases give the
# same slope over all the sizes (3.56 against 3.59 us per item through the
# fastest sessions, one run).
# Memory likewise, from the peak working set. The sizes up to small_max
# run three times a round: the least squares through three points a size
# narrow what remains of that noise, for a few seconds a round. The raw
# slope is also given through each size's fastest session, which repeats
# from run to run where the medians follow the host (the machine, above).
# The columns of enumerate, prepare, synchronize and output in runs' lines.
item_phases=10+11+12+13
# scale MODE FLOOR: the figures of /MODE, against the floor when FLOOR is 1.
scale()
{
    local mode=$1 with_floor=$2 s n i=0 cmds="" xs="" fcmds="" bcmds="" file="$tmp/scale-$1"
    set --
    for s in $sizes; do
        for n in 1 2 3; do
            [ "$n" = 1 ] || [ "$s" -le "$small_max" ] || continue
            set -- "$@" "BENCH_ITEMS=$s mobsync.exe /$mode $(handlers 1)"
            cmds="$cmds $i"; xs="$xs $s"; i=$((i + 1))
            if [ "$with_floor" = 1 ]; then set -- "$@" "BENCH_ITEMS=$s benchdriver.exe 1"; fcmds="$fcmds $i"; i=$((i + 1)); fi
            if [ -n "$base" ]; then set -- "$@" "BENCH_ITEMS=$s mobsync_base.exe /$mode $(handlers 1)"; bcmds="$bcmds $i"; i=$((i + 1)); fi
        done
    done
    runs "$file" "$rounds" "$@"
    # In us per item, and bytes per item.
    points "$file" "$item_phases" "$cmds" "$xs" | awk '{ print $1, $2, $3 * 1000 }' > "$file.time"
    points "$file" 16 "$cmds" "$xs" | awk '{ print $1, $2, $3 * 1024 }' > "$file.mem"
    local all small large flat mem
    all=$(awk -v mode=slope -f "$src/bench/stats.awk" "$file.time")
    small=$(awk -v mode=rounds -v xmax="$small_max" -f "$src/bench/stats.awk" "$file.time")
    large=$(awk -v mode=rounds -v xmin="$large_min" -f "$src/bench/stats.awk" "$file.time")
    flat=$(awk 'NR == FNR { s[$1] = $2; next } ($1 in s) && $2 > 0 { print s[$1] / $2 }' \
        <(echo "$small") <(echo "$large") | summary)
    mem=$(awk -v mode=slope -f "$src/bench/stats.awk" "$file.mem")
    if measured "time per item, /$mode" "$all"; then
        local line
        line="time per item, /$mode, 10 to ${sizes##* } items: $(stat "$all" " us") (through the medians: $(num "$(echo "$all" | cut -d' ' -f7)") us; through the fastest: $(num "$(echo "$all" | cut -d' ' -f8)") us)"
        if [ "$with_floor" = 1 ]; then
            points "$file" "$item_phases" "$fcmds" "$xs" | awk '{ print $1, $2, $3 * 1000 }' > "$file.floor"
            local floor ratio
            floor=$(awk -v mode=slope -f "$src/bench/stats.awk" "$file.floor")
            ratio=$(awk 'NR == FNR { s[$1] = $2; next } ($1 in s) && $2 > 0 { print s[$1] / $2 }' \
                <(awk -v mode=rounds -f "$src/bench/stats.awk" "$file.time") \
                <(awk -v mode=rounds -f "$src/bench/stats.awk" "$file.floor") | summary)
            if measured "time per item against the floor, /$mode" "$floor" "$ratio"; then
                line="$line against the floor's $(stat "$floor" " us") (through the fastest: $(num "$(echo "$floor" | cut -d' ' -f8)") us): $(stat "$ratio" x) (target <= 1.25x) $(verdict "time per item against the floor, /$mode" "$ratio" 1.25 le)"
            fi
        fi
        echo "$line"
        check_more_work "time per item, /$mode" "$all" 0
        local small_s large_s v
        small_s=$(echo "$small" | awk '{ print $2 }' | summary)
        large_s=$(echo "$large" | awk '{ print $2 }' | summary)
        if measured "flatness, /$mode" "$flat" "$small_s" "$large_s"; then
            # A slope whose interval reaches zero or below is the noise of
            # those sizes, not a cost: it decides nothing.
            if awk -v lo="$(echo "$small_s" | cut -d' ' -f5)" 'BEGIN { exit !(lo <= 0) }'; then
                v=$(undecided_because "flatness, /$mode" "the slope up to $small_max items is within the noise")
            else
                v=$(verdict "flatness, /$mode" "$flat" 1.5 within)
            fi
            echo "  flat: $(stat "$small_s" " us") per item from 10 to $small_max items against $(stat "$large_s" " us") from $large_min to ${sizes##* }: $(stat "$flat" x), round by round (target within 1.5x) $v"
            # The floor's, which is neither the engine's nor judged: what
            # the handler, Wine and the machine give the same sizes.
            if [ "$with_floor" = 1 ]; then
                local fsmall flarge fflat
                fsmall=$(awk -v mode=rounds -v xmax="$small_max" -f "$src/bench/stats.awk" "$file.floor")
                flarge=$(awk -v mode=rounds -v xmin="$large_min" -f "$src/bench/stats.awk" "$file.floor")
                fflat=$(awk 'NR == FNR { s[$1] = $2; next } ($1 in s) && $2 > 0 { print s[$1] / $2 }' \
                    <(echo "$fsmall") <(echo "$flarge") | summary)
                [ "${fflat%% *}" = 0 ] ||
                echo "  the floor's: $(stat "$(echo "$fsmall" | awk '{ print $2 }' | summary)" " us") against $(stat "$(echo "$flarge" | awk '{ print $2 }' | summary)" " us"): $(stat "$fflat" x) (report)"
            fi
        fi
        if [ -n "$base" ]; then
            points "$file" "$item_phases" "$bcmds" "$xs" | awk '{ print $1, $2, $3 * 1000 }' > "$file.base"
            local vs
            vs=$(awk 'NR == FNR { s[$1] = $2; next } ($1 in s) && $2 > 0 { print s[$1] / $2 }' \
                <(awk -v mode=rounds -f "$src/bench/stats.awk" "$file.time") \
                <(awk -v mode=rounds -f "$src/bench/stats.awk" "$file.base") | summary)
            if [ "${vs%% *}" = 0 ]; then echo "  new/base, time per item: not measured (the base writes no mobsync_timing line?)"
            else echo "  new/base, time per item: $(stat "$vs" x)"; fi
        fi
    fi
    if measured "memory per item, /$mode" "$mem"; then
        echo "memory per item, /$mode: $(stat "$mem" " bytes") (the peak working set's slope, 10 to ${sizes##* } items; target < 2048) $(verdict "memory per item, /$mode" "$mem" 2048 lt)"
        check_more_work "memory per item, /$mode" "$mem" 0
        # Memory that grows is new pages, each written first once: that
        # part of the time per item is the machine's price of a page.
        [ -z "$page_us" ] ||
        echo "  of the time per item, new memory at the machine's cost: $(num "$(calc "%.6g" "$(median_of "$mem") / 4096 * $page_us")") us ($(num "$(median_of "$mem")") bytes at $(num "$page_us") us a page)"
        if [ -n "$base" ]; then
            local bmem
            bmem=$(points "$file" 16 "$bcmds" "$xs" | awk '{ print $1, $2, $3 * 1024 }' | awk -v mode=slope -f "$src/bench/stats.awk")
            if [ "${bmem%% *}" = 0 ]; then echo "  new/base, memory per item: not measured (the base writes no mobsync_timing line?)"
            else echo "  new/base, memory per item: $(stat "$mem" " bytes") against $(stat "$bmem" " bytes")"; fi
        fi
    fi
}

figure_scale()
{
    scale sync 1
    scale list 0
}

# --- 4. callbacks ----------------------------------------------------------------
# Progress 1,000,000 times from a thread of the handler's own, headless and
# with the progress dialog shown (plain mobsync, Synchronize clicked in
# Items to Synchronize); the handler appends its rate to progress.txt.
calls=1000000
[ "$quick" != 1 ] || calls=200000
result='C:\bench\progress.txt'
figure_progress()
{
    rm -f "$WINEPREFIX/drive_c/bench/progress.txt"
    set -- "BENCH_TAG=headless BENCH_CALLS=$calls BENCH_RESULT=$result mobsync.exe /sync $(handlers $((0x20)))" \
           "BENCH_TAG=dialog BENCH_CALLS=$calls BENCH_RESULT=$result benchdialog.exe progress"
    [ -z "$base" ] || set -- "$@" \
           "BENCH_TAG=base-headless BENCH_CALLS=$calls BENCH_RESULT=$result mobsync_base.exe /sync $(handlers $((0x20)))" \
           "BENCH_TAG=base-dialog BENCH_CALLS=$calls BENCH_RESULT=$result benchdialog.exe progress mobsync_base.exe"
    runs "$tmp/progress" "$rounds" "$@"
    # tag COLUMN: the rates of the runs with that tag, warm-up left out, "N VALUE".
    tagged() { tr -d '\r' < "$WINEPREFIX/drive_c/bench/progress.txt" 2>/dev/null | awk -v t="$1" -v k="$2" '$1 == t && seen[t]++ { print ++n, $k }'; }
    pair() { awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $2 > 0 { print a[$1] / $2 }' <(tagged "$1" "$3") <(tagged "$2" "$3"); }
    headless=$(tagged headless 2 | cut -d' ' -f2 | summary)
    empty=$(awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $2 > 0 { print a[$1] / $2 }' <(tagged headless 3) <(tagged headless 2) | summary)
    if measured "callback throughput, headless" "$headless"; then
        m=$(millions "$headless")
        echo "callback throughput: $(stat "$m" " million") calls/s headless ($(fastest "$m" " million" high)) (target >= 200000) $(verdict "callback throughput, headless" "$headless" 200000 ge)"
        measured "callback cost against an empty call" "$empty" &&
        echo "  a Progress call costs $(stat "$empty" x) an empty in-process call (report)"
        [ -z "$base" ] || { r=$(pair headless base-headless 2 | summary); [ "${r%% *}" = 0 ] || echo "  new/base, callback throughput: $(stat "$r" x)"; }
    fi
    dialog=$(tagged dialog 2 | cut -d' ' -f2 | summary)
    cost=$(pair headless dialog 2 | summary)
    if measured "callback throughput with the progress dialog shown" "$dialog" "$cost"; then
        m=$(millions "$dialog")
        echo "callback throughput with the progress dialog shown: $(stat "$m" " million") calls/s ($(fastest "$m" " million" high)) (target >= 200000) $(verdict "callback throughput with the dialog" "$dialog" 200000 ge)"
        echo "  the dialog's cost: headless against shown, round by round, $(stat "$cost" x) (target <= 2x) $(verdict "the progress dialog's cost" "$cost" 2 le)"
        check_more_work "the progress dialog's cost" "$cost" 1
        [ -z "$base" ] || { r=$(pair dialog base-dialog 2 | summary); [ "${r%% *}" = 0 ] || echo "  new/base, callback throughput with the dialog: $(stat "$r" x)"; }
    fi
}

# The same loop in a 32-bit handler, which the 64-bit manager runs in its
# 32-bit worker: calls per second in the handler, and whether the session
# saw the last report (its trace of what the worker sent). Then what a
# worker costs a session: one no-op handler of one item, in this
# architecture's view against the other's.
figure_cross()
{
    if mobsync_can_run32; then
        rm -f "$WINEPREFIX/drive_c/bench/progress.txt"
        for _ in $(seq "$rounds"); do
            BENCH_TAG=cross BENCH_CALLS=$calls BENCH_RESULT="$result" WINEDEBUG=-all,trace+mobsync \
                mobsync_run64 mobsync.exe /sync $(handlers $((0x20 + 0x40))) > /dev/null 2> "$tmp/cross.trace" || true
        done
        cross=$(tr -d '\r' < "$WINEPREFIX/drive_c/bench/progress.txt" 2>/dev/null | awk '$1 == "cross" { print $2 }' | summary)
        seen=$(tr -d '\r' < "$tmp/cross.trace" | sed -n 's/.*handler_set_progress.*progress \([0-9]*\) of \([0-9]*\)\./\1 of \2/p' | tail -n 1)
        if measured "callback throughput across architectures" "$cross"; then
            if [ "$seen" = "$((calls - 1)) of $calls" ]; then
                echo "callback throughput across architectures: $(stat "$cross") calls/s from a 32-bit handler in the 64-bit manager's worker, the session saw the last report ($seen) (target >= 200000) $(verdict "callback throughput across architectures" "$cross" 200000 ge)"
            else
                echo "callback throughput across architectures: $(stat "$cross") calls/s, but the session's last report was '${seen:-none}', not $((calls - 1)) of $calls (target >= 200000 reaching the session) not met"
            fi
        fi
        runs "$tmp/worker" "$rounds" "BENCH_ITEMS=1 mobsync.exe /sync $(handlers 1)" "BENCH_ITEMS=1 mobsync.exe /sync $(handlers $((1 + 0x40)))"
        own=$(column "$tmp/worker" 0 7 | summary)
        other=$(column "$tmp/worker" 1 7 | summary)
        more=$(per_round "$tmp/worker" 1 0 7 - | summary)
        measured "worker start-up" "$own" "$other" "$more" &&
        echo "worker start-up: a one-item session whose handler needs the 32-bit worker takes $(stat "$other" " ms") against $(stat "$own" " ms") in this architecture: $(stat "$more" " ms") more (report)"
    else
        echo "callback throughput across architectures: not measured: $mobsync_no32_reason"
        echo "worker start-up: not measured: $mobsync_no32_reason"
    fi
}

# --- 5. concurrency ------------------------------------------------------------------
# 8 handlers of 500 ms each against one alone, inside the process.
figure_concurrency()
{
    set -- "mobsync.exe /sync $(handlers $((0x11)))" \
           "mobsync.exe /sync $(handlers $((0x11)) $((0x12)) $((0x13)) $((0x14)) $((0x15)) $((0x16)) $((0x17)) $((0x18)))"
    runs "$tmp/concurrency" "$rounds" "$@"
    one=$(column "$tmp/concurrency" 0 7 | summary)
    eight=$(column "$tmp/concurrency" 1 7 | summary)
    ratio=$(per_round "$tmp/concurrency" 1 0 7 / | summary)
    measured concurrency "$one" "$eight" "$ratio" &&
    echo "concurrency: 8 handlers of 500 ms take $(stat "$eight" " ms") against $(stat "$one" " ms") for one: $(stat "$ratio" x) (target <= 1.2x) $(verdict concurrency "$ratio" 1.2 le)" &&
    check_more_work concurrency "$ratio" 1
}

# --- 6. registration ---------------------------------------------------------------
# ISyncMgrRegister round trips against the same registry work done
# directly, in blocks of 200 each, in turns.
# A block takes a tenth of a second, the whole figure three: one slow
# spell of the host's covered all of it in one of two runs (its fastest
# block a quarter slower, both sides alike). So its blocks are taken in
# three parts, spread over the run like the engine's (spread_part), added
# to one file as runs_part adds its parts.
registration_step()
{
    [ "$1" != 1 ] || : > "$tmp/reg"
    set --
    [ -z "$base" ] || set -- 'C:\windows\system32\mobsync.dll' 'C:\windows\system32\mobsync_base.dll'
    mobsync_run64 benchreg.exe "$part_rounds" 200 "$@" 2>/dev/null | tr -d '\r' >> "$tmp/reg" || true
}
figure_registration()
{
    spread_rest registration registration_step
    api=$(awk '{ print $2 }' "$tmp/reg" | summary)
    direct=$(awk '{ print $1 }' "$tmp/reg" | summary)
    ratio=$(awk '$2 > 0 { print $1 / $2 }' "$tmp/reg" | summary)
    measured registration "$api" "$direct" "$ratio" &&
    echo "registration: $(stat "$api") round trips/s ($(fastest "$api" "" high)) through ISyncMgrRegister against $(stat "$direct")/s ($(fastest "$direct" "" high)) directly: $(stat "$ratio" x) (target <= 1.5x) $(verdict registration "$ratio" 1.5 le)" &&
    { [ -z "$base" ] || echo "  new/base, registration round trips/s: $(stat "$(awk '$3 > 0 { print $2 / $3 }' "$tmp/reg" | summary)" x)"; }
}

# --- 7. hand-off latency -------------------------------------------------------------
# UpdateItems returning to the handler's Initialize, with the manager to
# start (cold) and running (warm). Through the prefix's CLSID_SyncMgr: not
# compared with a base.
figure_handoff()
{
    n=20
    [ "$quick" = 1 ] && n=5
    export BENCH_STAMP='C:\bench\stamp.txt'
    cold=$(mobsync_run64 benchlat.exe cold "$n" 'C:\bench\stamp.txt' 2>/dev/null | tr -d '\r' | awk '$1 > 0' | summary || true)
    warm=$(mobsync_run64 benchlat.exe warm "$n" 'C:\bench\stamp.txt' 2>/dev/null | tr -d '\r' | awk '$1 > 0' | summary || true)
    measured "hand-off latency" "$cold" "$warm" &&
    echo "hand-off latency, UpdateItems returning to Initialize, across processes (a program's call, the manager's handler): cold $(stat "$cold" " ms"), warm $(stat "$warm" " ms"); worst $(num "$(echo "$cold" | cut -d' ' -f4)") / $(num "$(echo "$warm" | cut -d' ' -f4)") ms of $n each (report)"
}

# --- 8. the /invoke server's soak ----------------------------------------------------
# 500 programs' requests for a no-op handler (10 items), one manager taking
# them all; what it holds after request 10 against after request 500, read
# inside the server (its trace). Counts, exact: one run.
figure_soak()
{
    BENCH_ITEMS=10 WINEDEBUG=-all,trace+mobsync_usage mobsync_run64 benchlat.exe soak 500 \
        > /dev/null 2> "$tmp/soak" || true
    usage() { tr -d '\r' < "$tmp/soak" | sed -n "s/.*request $1: \([0-9]*\) handles, \([0-9]*\) heap blocks, \([0-9]*\) heap bytes.*/\1 \2 \3/p" | tail -n 1; }
    read -r h10 b10 y10 <<< "$(usage 10)" || true
    read -r h500 b500 y500 <<< "$(usage 500)" || true
    if [ -n "${h10:-}" ] && [ -n "${h500:-}" ] && [ -n "${y10:-}" ] && [ -n "${y500:-}" ]; then
        dh=$((h500 - h10)); dy=$(( (y500 - y10) / 1024 ))
        echo "/invoke soak: $dh more handles and $dy KiB more heap after request 500 than after request 10 ($h10 -> $h500 handles, $b10 -> $b500 heap blocks; counts, one run; target <= 8 handles, <= 256 KiB) $(if [ "$dh" -le 8 ] && [ "$dy" -le 256 ]; then echo met; else echo "not met"; fi)"
    else
        echo "/invoke soak: not measured: its trace had no usage lines"
        unmeasured=$((unmeasured + 1))
    fi
}

# --- 9. Items to Synchronize -----------------------------------------------------------
# 1,000 items, from starting mobsync.exe to the list complete, against
# /list of the same items, in turns: whole processes, as a person waits.
figure_dialog()
{
    mobsync_run64 benchdialog.exe "$rounds" 1000 2>/dev/null | tr -d '\r' > "$tmp/dialog" || true
    [ -z "$base" ] || mobsync_run64 benchdialog.exe "$rounds" 1000 mobsync_base.exe 2>/dev/null | tr -d '\r' > "$tmp/dialog-base" || true
    shown=$(awk '$1 > 0 { print $1 }' "$tmp/dialog" | summary)
    list=$(awk '$2 > 0 { print $2 }' "$tmp/dialog" | summary)
    ratio=$(awk '$1 > 0 && $2 > 0 { print $1 / $2 }' "$tmp/dialog" | summary)
    measured "Items to Synchronize" "$shown" "$list" "$ratio" &&
    echo "Items to Synchronize with 1,000 items: $(stat "$shown" " ms") from starting mobsync to the list complete, against $(stat "$list" " ms") for /list of the same items ($(stat "$ratio" x); whole processes; target < 1000 ms) $(verdict "Items to Synchronize" "$shown" 1000 lt)" &&
    { [ -z "$base" ] || echo "  new/base, Items to Synchronize (not in turns: one series, then the other): $(calc "%.2f" "$(median_of "$shown") / $(median_of "$(awk '$1 > 0 { print $1 }' "$tmp/dialog-base" | summary)")")x of the medians"; }
}

# --- 10. the resident agent --------------------------------------------------------------
# /agent (docs/events.md) waiting for a logoff, idle minutes and a schedule
# a day away, against the prefix's explorer.exe, which idles beside it: CPU
# time in six windows of 5 s and private memory (Linux's Private_Clean +
# Private_Dirty of each process), after 5 s to settle. Through the
# prefix's mobsync.exe: not compared with a base.
figure_agent()
{
    mobsync_reg64 add "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers\\$(clsid 1)" \
        /v RegisterFlags /t REG_DWORD /d 6 /f >/dev/null 2>&1
    mobsync_reg64 add 'HKCU\Software\mobsync\Schedules\bench' /v Recurrence /t REG_DWORD /d 1 /f >/dev/null 2>&1
    mobsync_reg64 add "HKCU\\Software\\mobsync\\Schedules\\bench\\$(clsid 1)" /v "$(clsid 1)" /t REG_DWORD /d 1 /f >/dev/null 2>&1
    "$(mobsync_wine64)" notepad >/dev/null 2>&1 &
    keeper=$!
    "$(mobsync_wine64)" mobsync.exe /agent >/dev/null 2>&1 &
    sleep 5
    # The process of this prefix (not another's) whose command line matches.
    prefix_pid() { mobsync_prefix_processes "$WINEPREFIX" "$1" | sed -n '1s/ .*//p'; }
    agent_pid=$(prefix_pid 'mobsync\.exe /agent$')
    explorer_pid=$(prefix_pid 'explorer\.exe')
    cpu_ms() { awk '{ print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat" 2>/dev/null; }
    private_kib() { awk '/^Private_(Clean|Dirty):/ { kib += $2 } END { print kib }' "/proc/$1/smaps_rollup" 2>/dev/null; }
    : > "$tmp/agent"
    if [ -n "$agent_pid" ] && [ -n "$explorer_pid" ]; then
        for _ in 1 2 3 4 5 6; do
            a0=$(cpu_ms "$agent_pid"); e0=$(cpu_ms "$explorer_pid")
            sleep 5
            a1=$(cpu_ms "$agent_pid"); e1=$(cpu_ms "$explorer_pid")
            echo "$(calc "%d" "${a1:-0} - ${a0:-0}") $(calc "%d" "${e1:-0} - ${e0:-0}") $(private_kib "$agent_pid") $(private_kib "$explorer_pid")" >> "$tmp/agent"
        done
        ac=$(awk '{ print $1 }' "$tmp/agent" | summary); ec=$(awk '{ print $2 }' "$tmp/agent" | summary)
        am=$(awk '{ print $3 }' "$tmp/agent" | summary); em=$(awk '{ print $4 }' "$tmp/agent" | summary)
        # No more than explorer.exe: met when the agent's worst window is at
        # most explorer's best, not met when its best is above explorer's worst.
        read -r _ _ acmin acmax _ <<< "$ac"; read -r _ _ ecmin ecmax _ <<< "$ec"
        read -r _ _ ammin ammax _ <<< "$am"; read -r _ _ emmin emmax _ <<< "$em"
        v=$(awk -v a="$acmax" -v b="$ecmin" -v c="$ammax" -v d="$emmin" -v e="$acmin" -v f="$ecmax" -v g="$ammin" -v h="$emmax" \
            'BEGIN { print (a <= b && c <= d) ? "met" : (e > f || g > h) ? "not met" : "undecided" }')
        if [ "$v" = undecided ]; then
            echo "agent at rest" >> "$tmp/undecided"
            v="undecided (the windows overlap)"
        fi
        echo "agent at rest: $(num "$acmin")-$(num "$acmax") ms CPU per 5 s and $(num "$ammin")-$(num "$ammax") KiB private memory, against explorer.exe's $(num "$ecmin")-$(num "$ecmax") ms and $(num "$emmin")-$(num "$emmax") KiB (min-max of 6 windows; target: no more than explorer.exe) $v"
    else
        echo "agent at rest: not measured: no agent ($agent_pid) or no explorer.exe ($explorer_pid) process"
        unmeasured=$((unmeasured + 1))
    fi
    mobsync_run64 mobsync.exe /agent:stop >/dev/null 2>&1 || true
    kill "$keeper" 2>/dev/null || true
}

# The one-minute load average, highest seen before a figure: other work on
# the machine does not only widen the intervals, it shifts figures that
# share the processors (eight handlers waiting on the scheduler, an idle
# agent against explorer.exe), and a verdict then says little.
busiest=0
note_load()
{
    busiest=$(awk -v b="$busiest" '{ print ($1 > b ? $1 : b) }' /proc/loadavg)
}
# The machine's processors, not the one the run is pinned to.
cores=$(getconf _NPROCESSORS_ONLN)
busy() { awk -v l="$busiest" -v n="$cores" 'BEGIN { exit !(l > n) }'; }
note_load
if busy; then
    echo "bench: warning: load average $busiest on $cores cores before the first figure: other work shares the processors; the figures of this run shift with it"
fi

# BENCH_ONLY="engine scale ..." runs those figures only, while working on them.
for figure in machine startup scale progress cross concurrency engine registration handoff soak dialog agent; do
    case " ${BENCH_ONLY:-$figure} " in *" $figure "*) note_load
        case $figure in startup|progress) spread_part engine engine_step; spread_part registration registration_step ;; esac
        "figure_$figure" || true ;;
    esac
done
note_load
case " ${BENCH_ONLY:-machine} " in *" machine "*) machine "at the end" || true ;; esac

echo "undecided: $(wc -l < "$tmp/undecided") figure(s)$(awk '{ printf "%s%s", NR == 1 ? ": " : "; ", $0 }' "$tmp/undecided")"
[ -z "$suspect" ] || echo "suspect: $suspect"
if busy; then
    echo "busy: load average up to $busiest on $cores cores during the run: its verdicts say little; run make bench again on a quiet machine"
fi
echo "machine: $cores cores, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg), $(mobsync_run64 --version)$(mobsync_can_run32 && echo ", wine32 installed (used by the figures across architectures only)")"
if [ $unmeasured != 0 ]; then
    echo "bench: $unmeasured figure(s) not measured: see above" >&2
    exit 1
fi
