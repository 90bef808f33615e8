#!/bin/bash
# The automatic runs end to end, in a prefix of their own (docs/events.md):
# a prefix start runs the logon items, wineboot --end-session the logoff
# items before the session ends, the agent never keeps wineserver -w from
# returning, nothing configured starts no agent, and uninstall ends the
# agent and leaves the prefix as it was. A test handler of each
# architecture records its calls (tests/handlers). Prints TAP, as
# tools/runtests expects of a script test; needs an X display (runtests
# gives it one) for wineboot's end session and the program kept open.
#
# Usage (from the build tree): tests/events/events_test.sh
set -u
top=$(pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
WINESERVER=${WINESERVER:-wineserver}
# shellcheck source=../../tools/wineprefix.sh
. "$src/tools/wineprefix.sh"
tmp=$(mktemp -d "$(mobsync_tmp_base 1)/mobsync-events-test.XXXXXX")
export WINEPREFIX="$tmp/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap '"$WINESERVER" -k >/dev/null 2>&1; rm -rf "$tmp"' EXIT
# shellcheck source=../tap.sh
. "$src/tests/tap.sh"

log="$tmp/handlers.log"
MOBSYNC_TEST_LOG=$(mobsync_z_path "$log")
export MOBSYNC_TEST_LOG
handlers='HKLM\Software\Microsoft\Windows\CurrentVersion\Syncmgr\Handlers'
keeper_pid=""

# Test handler NN of architecture 64|32, registered for the events FLAGS
# (SYNCMGRREGISTERFLAG_*), as an application would write it.
register() # 64|32, NN, flags
{
    local clsid="{6D6F6273-796E-6374-6573-7400000000$2}" view=/reg:64
    [ "$1" = 32 ] && view=/reg:32
    mobsync_reg64 add "HKLM\\Software\\Classes\\CLSID\\$clsid\\InprocServer32" /ve \
        /d 'C:\windows\system32\mobsync_testhandler.dll' $view /f &&
    mobsync_reg64 add "HKLM\\Software\\Classes\\CLSID\\$clsid\\InprocServer32" /v ThreadingModel \
        /d Apartment $view /f &&
    mobsync_reg64 add "$handlers\\$clsid" /v RegisterFlags /t REG_DWORD /d "$3" $view /f
}
unregister() # 64|32, NN [last: the Syncmgr key too, which the test made]
{
    local clsid="{6D6F6273-796E-6374-6573-7400000000$2}" view=/reg:64
    [ "$1" = 32 ] && view=/reg:32
    mobsync_reg64 delete "HKLM\\Software\\Classes\\CLSID\\$clsid" $view /f &&
    mobsync_reg64 delete "$handlers\\$clsid" $view /f &&
    { [ "${3:-}" != last ] || mobsync_reg64 delete "${handlers%\\Handlers}" $view /f; }
}

# Whether a process of this prefix has a command line matching the extended
# regular expression $1 (tools/wine.sh); those of other prefixes do not count.
running() { [ -n "$(mobsync_prefix_processes "$WINEPREFIX" "$1")" ]; }
agent_runs() { for _ in $(seq 200); do running 'mobsync\.exe /agent$' && return 0; sleep 0.1; done; return 1; }
# Gone, or going: wineboot --end-session may end notepad before the agent
# has left (10 s at most).
no_agent()
{
    for _ in $(seq 100); do running 'mobsync\.exe /agent$' || return 0; sleep 0.1; done
    mobsync_prefix_processes "$WINEPREFIX" mobsync
    return 1
}

# A prefix start: the server ended, then any program. Notepad stays open,
# a program the person uses, until the session ends or it is killed.
prefix_start()
{
    "$WINESERVER" -k >/dev/null 2>&1
    "$WINESERVER" -w
    rm -f "$log"
    "$(mobsync_wine64)" notepad >/dev/null 2>&1 &
    keeper_pid=$!
}
keeper_ends() { for _ in $(seq 300); do kill -0 "$keeper_pid" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
# Notepad ended as a person would close it. Under load, notepad.exe was
# seen still running 27 s after `kill $keeper_pid`, keeping the
# prefix up (and with it the agent, rightly): it is ended by what it runs
# too, and killed if it is still there after 5 s; wherever the test is
# done with it.
notepads() { mobsync_prefix_processes "$WINEPREFIX" 'notepad\.exe' | cut -d' ' -f1; }
end_keeper()
{
    kill "$keeper_pid" 2>/dev/null
    # shellcheck disable=SC2046 # one pid per word
    kill $(notepads) 2>/dev/null
    for _ in $(seq 50); do running 'notepad\.exe' || return 0; sleep 0.1; done
    # shellcheck disable=SC2046
    kill -9 $(notepads) 2>/dev/null
}

check "a new prefix" mobsync_wineboot "$WINEPREFIX" "$tmp/wineboot.log"
mobsync_reg64 query 'HKCU\Software' >/dev/null 2>&1
"$WINESERVER" -w
snapshot "$WINEPREFIX" before
check "install succeeds" "$src/tools/setup_mobsync.sh" install
cp "$top/x86_64/tests/handlers/mobsync_testhandler.dll" "$WINEPREFIX/drive_c/windows/system32/"
check "a 64-bit handler for logon and logoff" register 64 01 3
both=0
if mobsync_can_run32; then
    both=1
    cp "$top/i686/tests/handlers/mobsync_testhandler.dll" "$WINEPREFIX/drive_c/windows/syswow64/"
    check "a 32-bit handler for logon and logoff" register 32 21 3
else
    echo "# no 32-bit programs here ($mobsync_no32_reason): the 64-bit handler alone is tested"
fi

# --- logon: a prefix start -------------------------------------------------
prefix_start
check "a prefix start runs the logon items, with CONNECT" recorded 01 "Initialize reserved=0 flags=00000001"
check "and synchronizes them" recorded 01 "SynchronizeCompleted hr=00000000"
if [ $both = 1 ]; then
    check "the 32-bit handler's logon items too" recorded 21 "Initialize reserved=0 flags=00000001"
    check "and synchronizes them" recorded 21 "SynchronizeCompleted hr=00000000"
fi
check "logoff is set up: the logon run started the agent" agent_runs

# --- logoff: wineboot --end-session ----------------------------------------------
: > "$log"
check "wineboot --end-session succeeds" timeout 60 "$(mobsync_wine64)" wineboot --end-session
check "the logoff items ran before the session ended, with PENDINGDISCONNECT" \
    grep -q "^01 Initialize reserved=0 flags=00000002" "$log"
check "and synchronized" grep -q "^01 SynchronizeCompleted hr=00000000" "$log"
if [ $both = 1 ]; then
    check "the 32-bit handler's logoff items too" grep -q "^21 SynchronizeCompleted hr=00000000" "$log"
fi
check "the session's programs ended" keeper_ends
check "the agent ended with the session" no_agent
"$WINESERVER" -w

# --- the agent never keeps the prefix up ----------------------------------------
prefix_start
check "the logon run starts the agent again" agent_runs
end_keeper
check "wineserver -w returns once the programs have ended, the agent with them" timeout 60 "$WINESERVER" -w
check "no agent is left" no_agent

# --- nothing configured: no agent ---------------------------------------------
check "the 64-bit handler no longer for logon or logoff" register 64 01 0
[ $both = 1 ] && check "nor the 32-bit one" register 32 21 0
prefix_start
mobsync_run64 mobsync.exe /logon > "$tmp/logon.out" 2>&1
check "with nothing chosen /logon says so" grep -q "nothing is chosen to synchronize for /logon" "$tmp/logon.out"
check "and starts no agent" no_agent
check "no handler was loaded" test ! -s "$log"

# --- uninstall ends the agent -------------------------------------------------
check "the handler for logoff again" register 64 01 2
mobsync_run64 mobsync.exe /logon >/dev/null 2>&1
check "the agent runs" agent_runs
# Notepad keeps the agent up: only uninstall can end it now. Uninstall
# ends by waiting for the prefix's programs, notepad too. It runs as on a
# minimal Debian, which has no procps: pgrep and its kin are hidden behind
# commands that say they were called and fail as a missing one does.
mkdir "$tmp/noprocps"
for c in pgrep pkill pidof ps; do
    printf '#!/bin/sh\necho "%s $*" >> "%s/noprocps.log"\nexit 127\n' "$c" "$tmp" > "$tmp/noprocps/$c"
    chmod +x "$tmp/noprocps/$c"
done
PATH="$tmp/noprocps:$PATH" "$src/tools/setup_mobsync.sh" uninstall > "$tmp/uninstall.out" 2>&1 &
uninstall_pid=$!
agent_gone() { for _ in $(seq 300); do no_agent >/dev/null && return 0; sleep 0.1; done; no_agent; }
check "uninstall ends the agent" agent_gone
end_keeper
check "uninstall succeeds" wait $uninstall_pid
check "and says what it took out" grep -q "took out the logon run's values" "$tmp/uninstall.out"
check "and ran nothing of procps" test ! -e "$tmp/noprocps.log"
check "the 64-bit test handler taken out" unregister 64 01 last
[ $both = 1 ] && check "the 32-bit one" unregister 32 21 last
rm -f "$WINEPREFIX/drive_c/windows/system32/mobsync_testhandler.dll" \
    "$WINEPREFIX/drive_c/windows/syswow64/mobsync_testhandler.dll"
"$WINESERVER" -w
snapshot "$WINEPREFIX" after
check "afterwards the prefix is as before install" same_as before after

tap_end
