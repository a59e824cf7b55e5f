# fig4.gp: the paper's Fig. 4 -- MEDN ablation: P10, P20 and R-squared of
# MEDN, MEDN-D, MEDN-XI, MEDN-XM and MEDN-R (and MEDN-RUN and MEDN-BOTH
# where the ablation has them), averaged over modules
# (grouped bars, one group per variant).
#
#   gnuplot -e "in='paper/tables/EXP/ablation.static.csv'; out='figures/EXP/fig4.static.png'; env='static'" figures/fig4.gp
#
# in:  CSV with a header line; columns variant, p10, p20, r2, one row per variant.
# out: .svg or .png (the extension picks the terminal).
# env: the environment named in the title; optional, taken from in's name
#      (ablation.ENV.csv) when not given.

_dir = ARG0
while (strlen(_dir) > 0 && _dir[strlen(_dir):strlen(_dir)] ne "/") { _dir = _dir[1:strlen(_dir)-1] }
fig_w = 1100
fig_h = 700
need = "variant p10 p20 r2"
load _dir . "style.gp"

if (!exists("env")) {
    # ".../ablation.ENV.csv" -> ENV
    _b = in; while (strstrt(_b, "/") > 0) { _b = _b[strstrt(_b, "/")+1:] }
    env = (strstrt(_b, "ablation.") == 1 && strlen(_b) > 13) ? _b[10:strlen(_b)-4] : "?"
}

# R-squared may be negative: extend the axis below 0 only when it is, and
# no further than the informative range: an R^2 below -1 (worse than
# predicting the mean by far; -1000 in the CSV: a model that blew up) is
# drawn at -1 with its value in the label, so one such model cannot squash
# the other bars. An empty (n/a) cell counts as 0 here.
stats in using (column("r2") == column("r2") ? column("r2") : 0) nooutput
_rmin = STATS_min
_clip = (_rmin < -1)
_rmin = _clip ? -1 : _rmin
_step = (_rmin >= -0.6) ? 0.2 : 0.5
_ymin = (_rmin < 0) ? _step * floor(_rmin / _step - 0.6) : 0
set yrange [_ymin:1]
set xrange [-0.6:STATS_records - 0.4]
set ytics _ymin,_step,1 format "%.1f"
if (_ymin < 0) { set xzeroaxis lt -1 lw 1 }

set title sprintf("MEDN ablation, %s environment", env)
set tmargin 3.5
set ylabel "mean over modules"
set xtics scale 0
set key outside below center horizontal reverse Left samplen 1.5 width 2 height 1.2

set style fill solid 0.85 border rgb "#404040"
bw = 0.27
isnum(c) = column(c) == column(c)
lab(c) = !isnum(c) ? "n/a" : (column(c) <= -1000) ? "< -1000" : (column(c) < -1) ? sprintf("%.3g", column(c)) : sprintf("%.2f", column(c))
pos(c) = !isnum(c) ? 0 : (column(c) >= 0) ? column(c) : NaN
neg(c) = (column(c) < 0) ? ((column(c) < -1) ? -1 : column(c)) : NaN
# the R^2 labels above and under the bars, each only where there is one
# (gnuplot 5.4 crashes on a labels plot with no valid point in a one-row file)
stats in using (isnum("r2") && column("r2") < 0 ? 1 : 0) nooutput
neg_labels = (STATS_sum > 0) ? ', "" using ($0 + bw):(neg("r2")):(lab("r2")) with labels offset 0,-0.6 font small_font tc rgb "#202020"' : ''
stats in using (isnum("r2") && column("r2") < 0 ? 0 : 1) nooutput
pos_labels = (STATS_sum > 0) ? ', "" using ($0 + bw):(pos("r2")):(lab("r2")) with labels offset 0,0.55 font small_font tc rgb "#202020"' : ''
if (_clip) { set label 3 "R^2 below -1 drawn at -1 (value in the label)" at graph 0.99, graph 0.03 right front font small_font tc rgb "#a00000" }
plot in using ($0 - bw):"p10":(bw) with boxes lc rgb c_p10 title "P10 accuracy", \
     "" using ($0):"p20":(bw):xtic(rm_label(strcol(1))) with boxes lc rgb c_p20 title "P20 accuracy", \
     "" using ($0 + bw):((column("r2") < -1) ? -1 : column("r2")):(bw) with boxes lc rgb c_r2 title "R^2", \
     "" using ($0 - bw):(pos("p10")):(lab("p10")) with labels offset 0,0.55 font small_font tc rgb "#202020", \
     "" using ($0):(pos("p20")):(lab("p20")) with labels offset 0,0.55 font small_font tc rgb "#202020" @pos_labels @neg_labels
