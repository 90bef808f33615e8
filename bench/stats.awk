# Statistics for bench/run.sh (awk -v mode=... -f bench/stats.awk), in
# plain POSIX awk (Debian's is mawk).
#
# mode=summary: numbers, one a line (anything else is skipped). Prints
#   N MEDIAN MIN MAX LO HI
# where LO and HI bound the median: the order statistics that make a
# distribution-free interval of at least 95% (the binomial rule; none exists
# below 6 values, where they are the minimum and the maximum). Nothing but
# "0" when there is no number.
#
# mode=slope: lines "ROUND X Y". Prints
#   N SLOPE MIN MAX LO HI THROUGH FASTEST
# where SLOPE is the median of each round's least-squares slope of Y on X,
# MIN, MAX, LO and HI as above, THROUGH the least-squares slope through
# the medians of Y at each X and FASTEST the one through the least Y at
# each X. Only X within [xmin, xmax] when those are given; a round needs
# two distinct X to have a slope.
#
# mode=rounds: the same lines; prints each round's slope, "ROUND SLOPE".
#
# mode=log: benchrun's stderr (bench/benchrun). Prints one line per run:
#   ROUND COMMAND EXIT WHOLE HANDLERS ITEMS WALL CPU LOAD ENUMERATE
#   PREPARE SYNCHRONIZE OUTPUT RELEASE STARTUP PEAK
# times in ms, PEAK in KiB, "-" for what the run's timing line did not say
# (or all of them, without one).

function isnum(v) { return v ~ /^-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/ }

function sort_values(a, n,    i, j, t)
{
    for (i = 2; i <= n; i++)
    {
        t = a[i]
        for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
}

function median_of(a, n)
{
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

# The rank k of the lower bound: the largest k with P(Binomial(n, 1/2) < k) <= 2.5%.
function lower_rank(n,    k, p, cdf, i)
{
    p = 0.5 ^ n
    cdf = 0
    k = 1
    for (i = 0; i < n; i++)
    {
        cdf += p
        if (cdf > 0.025) break
        k = i + 1
        p = p * (n - i) / (i + 1)
    }
    return k > (n + 1) / 2 ? 1 : k
}

function summary(a, n,    k)
{
    if (!n) { print 0; return }
    sort_values(a, n)
    k = lower_rank(n)
    printf "%d %.6g %.6g %.6g %.6g %.6g\n", n, median_of(a, n), a[1], a[n], a[k], a[n - k + 1]
}

# Least-squares slope of ys on xs (count m); "" when the xs do not differ.
function fit(xs, ys, m,    i, sx, sy, sxx, sxy, d)
{
    sx = sy = sxx = sxy = 0
    for (i = 1; i <= m; i++)
    {
        sx += xs[i]; sy += ys[i]; sxx += xs[i] * xs[i]; sxy += xs[i] * ys[i]
    }
    d = m * sxx - sx * sx
    if (m < 2 || d <= 0) return ""
    return (m * sxy - sx * sy) / d
}

function field(text, name,    parts, n, i, w)
{
    n = split(text, parts, ";")
    for (i = 1; i <= n; i++)
    {
        split(parts[i], w, " ")
        if (w[1] == name) return w[2]
    }
    return "-"
}

function reset_run() { timing = "" }

mode == "summary" && isnum($1) { values[++count] = $1 + 0 }

(mode == "slope" || mode == "rounds") && NF >= 3 && isnum($2) && isnum($3) \
    && (xmin == "" || $2 + 0 >= xmin + 0) && (xmax == "" || $2 + 0 <= xmax + 0) {
    r = $1
    if (!(r in round_n)) { rounds[++round_count] = r; round_n[r] = 0 }
    round_n[r]++
    rx[r, round_n[r]] = $2 + 0
    ry[r, round_n[r]] = $3 + 0
    x = $2 + 0
    if (!(x in x_n)) { xlist[++x_count] = x; x_n[x] = 0 }
    x_n[x]++
    xy[x, x_n[x]] = $3 + 0
}

mode == "log" && /^benchrun: run / { reset_run() }
mode == "log" && /timing: / { timing = substr($0, index($0, "timing: ") + 8) }
mode == "log" && /^benchrun: done / {
    split(timing, head, ";")
    split(head[1], hw, " ")
    printf "%s %s %s %s %s %s", $3, $4, $5, $6, timing == "" ? "-" : hw[1], timing == "" ? "-" : hw[3]
    n = split("wall cpu load enumerate prepare synchronize output release start-up peak", names, " ")
    for (i = 1; i <= n; i++) printf " %s", timing == "" ? "-" : field(timing, names[i])
    printf "\n"
    reset_run()
}

END {
    if (mode == "summary") summary(values, count)
    if (mode == "rounds")
    {
        for (i = 1; i <= round_count; i++)
        {
            r = rounds[i]
            for (j = 1; j <= round_n[r]; j++) { fx[j] = rx[r, j]; fy[j] = ry[r, j] }
            s = fit(fx, fy, round_n[r])
            if (s != "") printf "%s %.6g\n", r, s
        }
    }
    if (mode == "slope")
    {
        m = 0
        for (i = 1; i <= round_count; i++)
        {
            r = rounds[i]
            for (j = 1; j <= round_n[r]; j++) { fx[j] = rx[r, j]; fy[j] = ry[r, j] }
            s = fit(fx, fy, round_n[r])
            if (s != "") slopes[++m] = s
        }
        for (i = 1; i <= x_count; i++)
        {
            x = xlist[i]
            for (j = 1; j <= x_n[x]; j++) col[j] = xy[x, j]
            sort_values(col, x_n[x])
            mx[i] = x
            my[i] = median_of(col, x_n[x])
            least[i] = col[1]
        }
        through = fit(mx, my, x_count)
        fastest = fit(mx, least, x_count)
        if (!m) { print 0; exit }
        sort_values(slopes, m)
        k = lower_rank(m)
        printf "%d %.6g %.6g %.6g %.6g %.6g %s %s\n", m, median_of(slopes, m), slopes[1], slopes[m],
               slopes[k], slopes[m - k + 1], through == "" ? "-" : sprintf("%.6g", through),
               fastest == "" ? "-" : sprintf("%.6g", fastest)
    }
}
