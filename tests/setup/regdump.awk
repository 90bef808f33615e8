# Turns a Wine registry file into sorted "key|value" lines, without the
# timestamps and without what Wine itself writes whatever runs in the
# prefix, so that two dumps compare equal when nothing else changed.
#
# Left out whole, keys and values: those Wine rewrites at every prefix start
# (devices, display, hardware, time zone). Wine 8.0 keeps them under
# System\CurrentControlSet; Wine 10.0 under System\ControlSet001, its
# CurrentControlSet being a link there, and it rewrites the display
# adapter's DriverDateData (Control\Class\{4D36E968-...}\0000) at each start.
#
# Left out as keys, their values kept: the Run, RunOnce, RunServices and
# RunServicesOnce keys of both registry views. wineboot creates each that is
# missing when it looks for programs to start (programs/wineboot/wineboot.c,
# ProcessRunKeys: RegCreateKeyEx, in the 32-bit view too), and a prefix
# made without wine32 has none in the 32-bit view until then; a value left
# in one of them is still a difference.
/^\[/ {
    key = $0
    sub(/\] [0-9]+$/, "]", key)
    skip = (key ~ /^\[(Hardware|System\\\\(CurrentControlSet|ControlSet001)\\\\(Control\\\\(Class|Video|DeviceClasses)|Enum|Services\\\\Winsock))/ \
            || key ~ /DynDaylightDisable|TimeZoneInformation/)
    runkey = (key ~ /^\[Software\\\\(Wow6432Node\\\\)?Microsoft\\\\Windows\\\\CurrentVersion\\\\Run(Once|Services|ServicesOnce)?\]$/)
    if (!skip && !runkey) print key "|"
    next
}
/^#time=/ { next }
/^$/ { next }
{ if (!skip) print key "|" $0 }
