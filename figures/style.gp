# style.gp: shared set-up of the modlat figures (loaded by fig1.gp, fig4.gp,
# scatter.gp; not run on its own).
#
# Takes `in` (the CSV) and `out` (the output path); out's extension picks the
# terminal: .svg -> svg, .png -> pngcairo. Anything else is an error.
# Defines the palette c_static, c_dynamic, c_p10, c_p20, c_r2, c_point,
# c_band and the helper rm_label(s) (regression-model name as the paper
# writes it: medn-xm -> MEDN-XM).

if (!exists("out")) { print "figures: set out='PATH.svg' or out='PATH.png' with gnuplot -e"; exit status 2 }
if (!exists("in"))  { print "figures: set in='PATH.csv' with gnuplot -e"; exit status 2 }

# The input must be readable and its header line must name the columns the
# script lists in `need' (space-separated), before any output is opened.
_hdr = system("grep -v -m 1 '^#' '" . in . "' 2>/dev/null | tr -d '\r\"'")
if (strlen(_hdr) == 0) { print sprintf("%s: cannot read it, or it is empty (expected a CSV with a header line)", in); exit status 1 }
if (exists("need")) {
    do for [_c in need] {
        if (strstrt("," . _hdr . ",", "," . _c . ",") == 0) {
            print sprintf("%s: no column '%s' in the header line '%s'", in, _c, _hdr)
            exit status 1
        }
    }
}

# Canvas in pixels and font size (png; svg is 3/4 of both): a script may set
# fig_w, fig_h, fig_font first. Fonts are large for the canvas so that the
# text stays readable when the paper scales a figure to half a page width.
_pw = exists("fig_w") ? fig_w : 1200
_ph = exists("fig_h") ? fig_h : 720
_pf = exists("fig_font") ? fig_font : 22
_sf = sprintf("DejaVu Sans,%d", int(_pf * 0.75 + 0.5))
_gf = sprintf("DejaVu Sans,%d", _pf)
_ext = (strlen(out) > 4) ? out[strlen(out)-3:] : ""
if (_ext eq ".svg") {
    set terminal svg size int(_pw*0.75),int(_ph*0.75) dynamic enhanced font _sf linewidth 1.5 background rgb "white"
    _pf = _pf * 0.75
} else {
    if (_ext eq ".png") {
        set terminal pngcairo size _pw,_ph enhanced font _gf linewidth 2 background rgb "white"
    } else {
        print sprintf("figures: output '%s': expected a .svg or .png file name", out)
        exit status 2
    }
}
set output out
# value labels and notes: a smaller size of the same font
small_font = sprintf(",%d", int(_pf * 0.64 + 0.5))
medium_font = sprintf(",%d", int(_pf * 0.8 + 0.5))

set datafile separator comma
set datafile commentschars "#"
set datafile columnheaders
set encoding utf8

set border 3 lw 1
set tics nomirror out scale 0.6
set grid ytics lc rgb "#d0d0d0" lw 1 dt 2
set key noautotitle

c_static  = "#1f77b4"
c_dynamic = "#ff7f0e"
c_p10     = "#4c72b0"
c_p20     = "#55a868"
c_r2      = "#c44e52"
c_point   = "#601f77b4"   # ARGB: translucent blue, dense clouds stay readable
c_band    = "#d9f0d3"

# Upper-case RM names (gnuplot has no toupper): the ones modlat fits, else as given.
rm_label(s) = (s eq "medn") ? "MEDN" : (s eq "medn-d") ? "MEDN-D" : \
              (s eq "medn-xi") ? "MEDN-XI" : (s eq "medn-xm") ? "MEDN-XM" : \
              (s eq "medn-r") ? "MEDN-R" : (s eq "medn-run") ? "MEDN-RUN" : \
              (s eq "medn-both") ? "MEDN-BOTH" : (s eq "lr") ? "LR" : (s eq "rf") ? "RF" : \
              (s eq "mlp") ? "MLP" : (s eq "lop") ? "LOP" : s
