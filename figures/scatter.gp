# scatter.gp: predicted vs measured latency of one module's selected model on
# the test split, log-log, with the y = x line and the +-20% band (the band
# holds the samples that count towards P20 accuracy).
#
#   gnuplot -e "in='paper/tables/EXP/scatter/static.conv.csv'; out='figures/EXP/scatter.static.conv.png'; module='conv'; env='static'; variant='medn-xm'" figures/scatter.gp
#
# in:      CSV with a header line; columns measured_ms, predicted_ms.
# out:     .svg or .png (the extension picks the terminal).
# module, env: named in the title; optional, taken from in's name
#          (ENV.MODULE.csv) when not given.
# variant: the model (RM) named in the title; optional, read from the file
#          next to in with .txt for .csv when not given.
# Predictions <= 0 cannot be drawn on a log axis, and the axes reach at most
# a decade beyond the measured latencies (a prediction farther out is drawn
# on the edge); notes say how many of each.

_dir = ARG0
while (strlen(_dir) > 0 && _dir[strlen(_dir):strlen(_dir)] ne "/") { _dir = _dir[1:strlen(_dir)-1] }
fig_w = 800
fig_h = 900
need = "measured_ms predicted_ms"
load _dir . "style.gp"

_b = in; while (strstrt(_b, "/") > 0) { _b = _b[strstrt(_b, "/")+1:] }
_stem = (strlen(_b) > 4 && _b[strlen(_b)-3:] eq ".csv") ? _b[1:strlen(_b)-4] : _b
if (!exists("env"))    { env    = (strstrt(_stem, ".") > 1) ? _stem[1:strstrt(_stem, ".")-1] : "?" }
if (!exists("module")) { module = (strstrt(_stem, ".") > 1) ? _stem[strstrt(_stem, ".")+1:] : _stem }
if (!exists("variant")) {
    _txt = (strlen(in) > 4 && in[strlen(in)-3:] eq ".csv") ? in[1:strlen(in)-4] . ".txt" : in . ".txt"
    variant = system("head -n 1 '" . _txt . "' 2>/dev/null")
    if (strlen(variant) == 0) { variant = "?" }
}

m(c) = column("measured_ms")
p(c) = column("predicted_ms")
stats in using "measured_ms" nooutput
_n = STATS_records
_lo = STATS_min
_hi = STATS_max
stats in using (p(0) <= 0 ? 1 : 0) nooutput
_nonpos = int(STATS_sum)
# The axes keep the informative range: the measured latencies, widened to
# take in the predictions but by at most a decade each way; a prediction
# beyond is drawn on the edge (and counted in a note), so one model that
# blew up cannot squash the cloud into a corner.
if (_nonpos < _n) {
    stats in using (p(0) > 0 ? p(0) : NaN) nooutput
    _plo = (STATS_min < _lo / 10) ? _lo / 10 : STATS_min
    _phi = (STATS_max > _hi * 10) ? _hi * 10 : STATS_max
    _lo = (_plo < _lo) ? _plo : _lo
    _hi = (_phi > _hi) ? _phi : _hi
}
stats in using (abs(p(0) / m(0) - 1) <= 0.2 ? 1 : 0) nooutput
_p20 = STATS_mean
stats in using (abs(p(0) / m(0) - 1) <= 0.1 ? 1 : 0) nooutput
_p10 = STATS_mean

# Square, whole decades around the data, so y = x is the diagonal.
_lo = 10**floor(log10(_lo) + 1e-9)
_hi = 10**ceil(log10(_hi) - 1e-9)
if (_hi <= _lo) { _hi = 10 * _lo }
stats in using (p(0) > 0 && (p(0) < _lo || p(0) > _hi) ? 1 : 0) nooutput
_nout = int(STATS_sum)
edge(v) = (v < _lo) ? _lo : (v > _hi) ? _hi : v
set logscale xy
set xrange [_lo:_hi]
set yrange [_lo:_hi]
set size ratio -1
set format x "%g"
set format y "%g"
set mxtics 10
set mytics 10
set grid xtics ytics lc rgb "#d0d0d0" lw 1 dt 2
set border 15
set xtics mirror
set ytics mirror

set title sprintf("%s, %s environment, %s", module, env, rm_label(variant))
set xlabel "measured latency (ms)"
set ylabel "predicted latency (ms)"
set key outside below center horizontal Left reverse samplen 1.2 spacing 1.1 width 0.5 height 0.6
set samples 200

set label 2 sprintf("n = %d\nP10 = %.3f\nP20 = %.3f", _n, _p10, _p20) at graph 0.04, graph 0.89 left front font medium_font
if (_nonpos > 0) {
    set label 1 sprintf("%d of %d predictions <= 0 not shown", _nonpos, _n) at graph 0.98, graph 0.03 right front font small_font tc rgb "#a00000"
}
if (_nout > 0) {
    set label 4 sprintf("%d of %d predictions beyond the axes, drawn on the edge", _nout, _n) at graph 0.98, graph (_nonpos > 0 ? 0.08 : 0.03) right front font small_font tc rgb "#a00000"
}
plot "+" using 1:(0.8 * $1):(1.2 * $1) with filledcurves lc rgb "#a8dca0" fs solid 1.0 noborder \
         title "±20%", \
     in using (edge(m(0))):(p(0) > 0 ? edge(p(0)) : NaN) with points pt 7 ps 0.5 lc rgb c_point title "test samples", \
     x with lines lw 1.5 lc rgb "#202020" title "y = x", \
     1.2 * x with lines lw 1 dt 2 lc rgb "#2ca02c" notitle, \
     0.8 * x with lines lw 1 dt 2 lc rgb "#2ca02c" notitle
