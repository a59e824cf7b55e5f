# fig1.gp: the paper's Fig. 1 -- random-forest P10 accuracy per module,
# static vs dynamic environment (grouped bars).
#
#   gnuplot -e "in='paper/tables/EXP/fig1.csv'; out='figures/EXP/fig1.png'" figures/fig1.gp
#
# in:  CSV with a header line; columns module, static_p10, dynamic_p10
#      (test-split P10 accuracy in [0,1]), one row per module.
# out: .svg or .png (the extension picks the terminal).

_dir = ARG0
while (strlen(_dir) > 0 && _dir[strlen(_dir):strlen(_dir)] ne "/") { _dir = _dir[1:strlen(_dir)-1] }
need = "module static_p10 dynamic_p10"
load _dir . "style.gp"

set title "Random forest P10 accuracy: static vs dynamic environment"
set tmargin 3.5
set ylabel "P10 accuracy"
set yrange [0:1]
set ytics 0,0.2,1 format "%.1f"
set xtics rotate by 40 right scale 0 offset 1.2,0
set key outside below center horizontal reverse Left samplen 1.5 width 2 height 0.8

stats in using "static_p10" nooutput
set xrange [-0.6:STATS_records - 0.4]

set style fill solid 0.85 border rgb "#404040"
bw = 0.38
plot in using ($0 - bw/2):"static_p10":(bw) with boxes lc rgb c_static title "static", \
     "" using ($0 + bw/2):"dynamic_p10":(bw):xtic(1) with boxes lc rgb c_dynamic title "dynamic", \
     "" using ($0 - bw/2):"static_p10":(sprintf("%.2f", column("static_p10"))) \
        with labels offset 0,0.55 font small_font tc rgb "#202020", \
     "" using ($0 + bw/2):"dynamic_p10":(sprintf("%.2f", column("dynamic_p10"))) \
        with labels offset 0,0.55 font small_font tc rgb "#202020"
