module skilleval/bench/loadgen

go 1.22
