# Turns a Wine registry file into sorted "key|value" lines, without the
# timestamps, and without the keys Wine rewrites by itself at every start
# (display devices, hardware and the like), so that two dumps compare equal
# when nothing else changed.
/^\[/ {
    key = $0
    sub(/\] [0-9]+$/, "]", key)
    skip = (key ~ /^\[(Hardware|System\\\\CurrentControlSet\\\\(Control\\\\(Class|Video|DeviceClasses)|Enum|Services\\\\Winsock))/ \
            || key ~ /DynDaylightDisable|TimeZoneInformation/)
    if (!skip) print key "|"
    next
}
/^#time=/ { next }
/^$/ { next }
{ if (!skip) print key "|" $0 }
