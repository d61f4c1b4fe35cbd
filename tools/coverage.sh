#!/bin/sh
# coverage.sh TABLE [TABLE12] - implemented / not supported, per API group, from the API table
# itself; with api_table_12.def as TABLE12, one more line for libcudart.so.12's CUDA 12 ABI.
# A function counts as implemented when its body is not the not-supported default: status IMPL,
# every CUDART_RET/CUDART_VOID, and a per-thread variant PT(base) whose base is implemented.  In
# the CUDA 12 table an ALIAS or ADAPT line counts when the CUDA 13 function it runs does.
set -eu
table=${1:-shim/api_table.def}
table12=${2:-}
{
    ${CC:-cc} -E -P -x c \
        -D'CUDART_FN(name,group,status,...)=@ group name status' \
        -D'CUDART_RET(ret,name,group,...)=@ group name IMPL' \
        -D'CUDART_VOID(name,group,...)=@ group name IMPL' \
        -D'PT(base)=PT:base' "$table"
    if [ -n "$table12" ]; then
        ${CC:-cc} -E -P -x c \
            -D'CUDART12_ABSENT(name)=@12 - name ABSENT' \
            -D'CUDART12_FN(name,group,status,...)=@12 group name status' \
            -D'CUDART12_ALIAS(name,group,base,...)=@12 group name ALIAS:base' \
            -D'PT(base)=PT:base' -D'ADAPT(base)=ADAPT:base' "$table12"
    fi
} | tr -s ' ' '\n' | awk '
    /^@$/ { state = 1; twelve = 0; next }
    /^@12$/ { state = 1; twelve = 1; next }
    state == 1 { group = $0; state = 2; next }
    state == 2 { name = $0; state = 3; next }
    state == 3 && !twelve { n++; names[n] = name; groups[n] = group; status[name] = $0; state = 0; next }
    state == 3 && twelve {
        state = 0
        replaced[name] = 1
        if ($0 != "ABSENT") { n12++; names12[n12] = name; status12[name] = $0 }
        next
    }
    function impl13(f,   s) { s = status[f]; if (s ~ /^PT:/) s = status[substr(s, 4)]; return s == "IMPL" }
    function impl12(f,   s) {
        s = status12[f]
        if (s ~ /^PT:/) return impl12(substr(s, 4))
        if (s ~ /^(ALIAS|ADAPT):/) return impl13(substr(s, index(s, ":") + 1))
        return s == "IMPL"
    }
    END {
        for (i = 1; i <= n; i++) {
            g = groups[i]
            if (!(g in total)) { order[++ng] = g }
            total[g]++
            if (impl13(names[i])) { impl[g]++; all++ }
        }
        printf "%-14s %11s %13s\n", "group", "implemented", "not supported"
        for (i = 1; i <= ng; i++) {
            g = order[i]
            printf "%-14s %11d %13d\n", g, impl[g], total[g] - impl[g]
        }
        printf "implemented %d / %d\n", all, n
        if (n12 == 0) exit 0
        for (i = 1; i <= n; i++)
            if (!(names[i] in replaced)) { total12++; if (impl13(names[i])) all12++ }
        for (i = 1; i <= n12; i++) {
            total12++
            if (impl12(names12[i])) all12++
            if (names12[i] in status) same_name++
        }
        printf "libcudart.so.12: implemented %d / %d (%d as in CUDA 13, %d with CUDA 12%s ABI, %d CUDA 12-only)\n",
               all12, total12, total12 - n12, same_name, "'"'"'s", n12 - same_name
    }'
