#!/bin/sh
# coverage.sh TABLE - implemented / not supported, per API group, from the API table itself.
# A function counts as implemented when its body is not the not-supported default: status IMPL,
# every CUDART_RET/CUDART_VOID, and a per-thread variant PT(base) whose base is implemented.
set -eu
table=${1:-shim/api_table.def}
${CC:-cc} -E -P -x c \
    -D'CUDART_FN(name,group,status,...)=@ group name status' \
    -D'CUDART_RET(ret,name,group,...)=@ group name IMPL' \
    -D'CUDART_VOID(name,group,...)=@ group name IMPL' \
    -D'PT(base)=PT:base' "$table" | tr -s ' ' '\n' | awk '
    /^@$/ { state = 1; next }
    state == 1 { group = $0; state = 2; next }
    state == 2 { name = $0; state = 3; next }
    state == 3 { n++; names[n] = name; groups[n] = group; status[name] = $0; state = 0; next }
    END {
        for (i = 1; i <= n; i++) {
            s = status[names[i]]
            if (s ~ /^PT:/) s = status[substr(s, 4)]
            g = groups[i]
            if (!(g in total)) { order[++ng] = g }
            total[g]++
            if (s == "IMPL") { impl[g]++; all++ }
        }
        printf "%-14s %11s %13s\n", "group", "implemented", "not supported"
        for (i = 1; i <= ng; i++) {
            g = order[i]
            printf "%-14s %11d %13d\n", g, impl[g], total[g] - impl[g]
        }
        printf "implemented %d / %d\n", all, n
    }'
