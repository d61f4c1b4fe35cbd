#!/bin/sh
# abi_compare.sh OURS NVIDIA -- compare the outputs of the two abi_probe builds line by line.
#
# Both probes expand the same abi_checks.def in the same order, so line N of each is the same
# fact.  Prints every fact whose value differs and exits 1, or prints the number of matching
# checks and exits 0.  Owns only the comparison: what is checked lives in abi_checks.def.
set -eu

ours=$1
nvidia=$2

n_ours=$(wc -l < "$ours")
n_nvidia=$(wc -l < "$nvidia")
if [ "$n_ours" -ne "$n_nvidia" ] || [ "$n_ours" -eq 0 ]; then
    echo "abi: FAIL: the probes printed $n_ours (cushim) and $n_nvidia (NVIDIA) lines" >&2
    exit 1
fi

# Each line is `fact = value`; the fact itself may contain " = " only before the last one.
paste -d '\n' "$ours" "$nvidia" | awk '
    function fact(s)  { return substr(s, 1, match(s, / = [^=]*$/) - 1) }
    function value(s) { match(s, / = [^=]*$/); return substr(s, RSTART + 3) }
    NR % 2 == 1 { mine = $0; next }
    {
        total++
        if (fact(mine) != fact($0)) {
            printf "abi: FAIL: probes out of step at check %d: %s / %s\n", total, mine, $0
            bad++
        } else if (mine != $0) {
            printf "abi: MISMATCH %s: cushim %s, NVIDIA %s\n", fact(mine), value(mine), value($0)
            bad++
        }
    }
    END {
        if (bad) {
            printf "abi: FAIL: %d of %d checks differ from NVIDIA'"'"'s headers\n", bad, total
            exit 1
        }
        printf "abi: %d checks match NVIDIA'"'"'s headers\n", total
    }
'
