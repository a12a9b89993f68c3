# gnuplot -e "out='docs/benchmarks.png'; dir='bench/out'" bench/chart.gp
set terminal pngcairo size 1400,700 font "DejaVu Sans,10"
set output out
set title "Procsocket vs websocketd (gateway, churn, idle memory) and echo endpoint vs node ws — ratio, higher = Procsocket better"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -45 scale 0
set grid ytics
set ylabel "ratio"
set key off
set label 1 "1.0 = parity" at graph 0.01, first 1.03 tc rgb "black"
set label 2 "1.25 = gateway round-trip target" at graph 0.01, first 1.28 tc rgb "#c03030"
set yrange [0:*]
plot dir.'/ratios.dat' using 2:xtic(1) lc rgb "#3572b0", \
     1.0 with lines lc rgb "black" dt 2 lw 2, \
     1.25 with lines lc rgb "#c03030" dt 3 lw 1
