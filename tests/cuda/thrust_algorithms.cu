// Thrust and CUB on the engine (issue 6): the algorithms real programs use (radix sorts of
// several key types, stable sort by key, reductions, scans, reduce_by_key, unique, copy_if,
// count_if, gather), each compared with the C++ standard library's answer on the host.
#include "common.h"
#include <algorithm>
#include <numeric>
#include <thrust/copy.h>
#include <thrust/count.h>
#include <thrust/device_vector.h>
#include <thrust/functional.h>
#include <thrust/gather.h>
#include <thrust/host_vector.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/zip_iterator.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/scatter.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/unique.h>
#include <vector>
#define EQ(name, a, b)                                                                             \
    do {                                                                                           \
        if (!((a) == (b))) {                                                                       \
            fprintf(stderr, "thrust: %s differs from the host\n", name);                           \
            g_failures++;                                                                          \
        }                                                                                          \
    } while (0)
struct is_odd {
    __host__ __device__ bool operator()(int x) const { return x & 1; }
};
int main() {
    const int n = 100000;
    std::vector<int> h(n), k(n);
    for (int i = 0; i < n; i++) {
        h[i] = (int)((i * 2654435761u) % 100003) - 50000;
        k[i] = (i * 7919) % 1000;
    }
    thrust::device_vector<int> d(h.begin(), h.end()), dk(k.begin(), k.end());
    // sort
    {
        auto s = h;
        std::sort(s.begin(), s.end());
        thrust::device_vector<int> t = d;
        thrust::sort(t.begin(), t.end());
        std::vector<int> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("sort int", r, s);
    }
    {
        std::vector<unsigned> u(n);
        for (int i = 0; i < n; i++)
            u[i] = h[i] * 977u;
        auto s = u;
        std::sort(s.begin(), s.end());
        thrust::device_vector<unsigned> t(u.begin(), u.end());
        thrust::sort(t.begin(), t.end());
        std::vector<unsigned> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("sort unsigned", r, s);
    }
    {
        std::vector<float> f(n);
        for (int i = 0; i < n; i++)
            f[i] = h[i] * 0.37f;
        auto s = f;
        std::sort(s.begin(), s.end());
        thrust::device_vector<float> t(f.begin(), f.end());
        thrust::sort(t.begin(), t.end(), thrust::greater<float>());
        std::reverse(s.begin(), s.end());
        std::vector<float> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("sort float desc", r, s);
    }
    // sort_by_key stable
    {
        std::vector<std::pair<int, int>> p(n);
        for (int i = 0; i < n; i++)
            p[i] = {k[i], i};
        std::stable_sort(p.begin(), p.end(), [](auto &a, auto &b) { return a.first < b.first; });
        thrust::device_vector<int> kk = dk;
        thrust::device_vector<int> vv(n);
        thrust::sequence(vv.begin(), vv.end());
        thrust::stable_sort_by_key(kk.begin(), kk.end(), vv.begin());
        std::vector<int> rv(n);
        thrust::copy(vv.begin(), vv.end(), rv.begin());
        std::vector<int> ev(n);
        for (int i = 0; i < n; i++)
            ev[i] = p[i].second;
        EQ("stable_sort_by_key", rv, ev);
    }
    // reduce
    {
        long long s = 0;
        for (int x : h)
            s += x;
        long long r = thrust::reduce(d.begin(), d.end(), 0LL);
        EQ("reduce", r, s);
    }
    {
        int mx = *std::max_element(h.begin(), h.end());
        int r = thrust::reduce(d.begin(), d.end(), -1000000, thrust::maximum<int>());
        EQ("reduce max", r, mx);
    }
    // scans
    {
        std::vector<int> s(n);
        std::inclusive_scan(h.begin(), h.end(), s.begin());
        thrust::device_vector<int> t(n);
        thrust::inclusive_scan(d.begin(), d.end(), t.begin());
        std::vector<int> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("inclusive_scan", r, s);
    }
    {
        std::vector<int> s(n);
        std::exclusive_scan(h.begin(), h.end(), s.begin(), 5);
        thrust::device_vector<int> t(n);
        thrust::exclusive_scan(d.begin(), d.end(), t.begin(), 5);
        std::vector<int> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("exclusive_scan", r, s);
    }
    // reduce_by_key on sorted keys
    {
        auto sk = k;
        std::sort(sk.begin(), sk.end());
        std::vector<int> ek, ev;
        for (int i = 0; i < n;) {
            int j = i;
            long v = 0;
            while (j < n && sk[j] == sk[i]) {
                v += 1;
                j++;
            }
            ek.push_back(sk[i]);
            ev.push_back(v);
            i = j;
        }
        thrust::device_vector<int> tk(sk.begin(), sk.end()), ones(n, 1), ok(n), ov(n);
        auto e = thrust::reduce_by_key(tk.begin(), tk.end(), ones.begin(), ok.begin(), ov.begin());
        int m = e.first - ok.begin();
        std::vector<int> rk(m), rv(m);
        thrust::copy(ok.begin(), ok.begin() + m, rk.begin());
        thrust::copy(ov.begin(), ov.begin() + m, rv.begin());
        EQ("reduce_by_key keys", rk, ek);
        EQ("reduce_by_key vals", rv, ev);
    }
    // unique, copy_if, count_if
    {
        auto sk = k;
        std::sort(sk.begin(), sk.end());
        auto u = sk;
        u.erase(std::unique(u.begin(), u.end()), u.end());
        thrust::device_vector<int> t(sk.begin(), sk.end());
        auto e = thrust::unique(t.begin(), t.end());
        std::vector<int> r(e - t.begin());
        thrust::copy(t.begin(), e, r.begin());
        EQ("unique", r, u);
    }
    {
        std::vector<int> s;
        for (int x : h)
            if (x & 1)
                s.push_back(x);
        thrust::device_vector<int> t(n);
        auto e = thrust::copy_if(d.begin(), d.end(), t.begin(), is_odd());
        std::vector<int> r(e - t.begin());
        thrust::copy(t.begin(), e, r.begin());
        EQ("copy_if", r, s);
    }
    {
        int c = std::count_if(h.begin(), h.end(), [](int x) { return x & 1; });
        int r = thrust::count_if(d.begin(), d.end(), is_odd());
        EQ("count_if", r, c);
    }
    // gather/scatter
    {
        std::vector<int> map(n);
        for (int i = 0; i < n; i++)
            map[i] = (i * 31) % n;
        std::vector<int> g(n);
        for (int i = 0; i < n; i++)
            g[i] = h[map[i]];
        thrust::device_vector<int> dm(map.begin(), map.end()), t(n);
        thrust::gather(dm.begin(), dm.end(), d.begin(), t.begin());
        std::vector<int> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("gather", r, g);
    }
    // 64-bit keys sort
    {
        std::vector<unsigned long long> u(n);
        for (int i = 0; i < n; i++)
            u[i] = ((unsigned long long)(unsigned)h[i] << 32) | k[i];
        auto s = u;
        std::sort(s.begin(), s.end());
        thrust::device_vector<unsigned long long> t(u.begin(), u.end());
        thrust::sort(t.begin(), t.end());
        std::vector<unsigned long long> r(n);
        thrust::copy(t.begin(), t.end(), r.begin());
        EQ("sort u64", r, s);
    }
    return finish("thrust_algorithms");
}
