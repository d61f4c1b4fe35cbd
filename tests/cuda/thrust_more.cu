// More of Thrust and libcu++ as real programs use them: transform_reduce, inner_product, stable
// sort of structs with a comparator, scan and unique by key, merge, set intersection, vectorised
// lower_bound, stable_partition, minmax_element, and cuda::atomic_ref fetch_add/fetch_max in a
// kernel; every answer is computed again with the C++ standard library.
#include "common.h"
#include <thrust/device_vector.h>
#include <thrust/host_vector.h>
#include <thrust/sort.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/unique.h>
#include <thrust/merge.h>
#include <thrust/set_operations.h>
#include <thrust/binary_search.h>
#include <thrust/transform_reduce.h>
#include <thrust/inner_product.h>
#include <thrust/tabulate.h>
#include <thrust/iterator/zip_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/partition.h>
#include <thrust/extrema.h>
#include <cuda/atomic>
#include <algorithm>
#include <numeric>
#include <vector>
#include <cmath>

struct sq { __host__ __device__ double operator()(double x) const { return x * x; } };
struct rec { int key; float val; };
struct by_val { __host__ __device__ bool operator()(const rec &a, const rec &b) const { return a.val < b.val; } };
struct is_neg { __host__ __device__ bool operator()(int x) const { return x < 0; } };

__global__ void atomic_ref_sum(const int *in, int n, unsigned long long *total, int *maxv)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        cuda::atomic_ref<unsigned long long, cuda::thread_scope_device> t(*total);
        t.fetch_add((unsigned long long)(in[i] + 1000), cuda::memory_order_relaxed);
        cuda::atomic_ref<int, cuda::thread_scope_device> m(*maxv);
        m.fetch_max(in[i]);
    }
}

int main()
{
    const int n = 50000;
    std::vector<int> h(n);
    std::vector<double> hd(n);
    for (int i = 0; i < n; i++) { h[i] = (int)((i * 2654435761u) % 2001) - 1000; hd[i] = h[i] * 0.001; }
    thrust::device_vector<int> d(h.begin(), h.end());
    thrust::device_vector<double> dd(hd.begin(), hd.end());
    // transform_reduce, inner_product
    double ss = thrust::transform_reduce(dd.begin(), dd.end(), sq(), 0.0, thrust::plus<double>());
    double want = 0; for (double x : hd) want += x * x;
    EXPECT(std::fabs(ss - want) < 1e-6 * want);
    long long ip = thrust::inner_product(d.begin(), d.end(), d.begin(), 0LL);
    long long wip = 0; for (int x : h) wip += (long long)x * x;
    EXPECT_EQ_LL(ip, wip);
    // sort structs by a comparator, stable
    std::vector<rec> hr(n);
    for (int i = 0; i < n; i++) hr[i] = {i, (float)(h[i] % 50)};
    thrust::device_vector<rec> dr(hr.begin(), hr.end());
    thrust::stable_sort(dr.begin(), dr.end(), by_val());
    std::stable_sort(hr.begin(), hr.end(), [](const rec &a, const rec &b) { return a.val < b.val; });
    thrust::host_vector<rec> back = dr;
    int bad = 0;
    for (int i = 0; i < n && !bad; i++) bad = back[i].key != hr[i].key;
    EXPECT(!bad);
    // sort + unique_by_key + inclusive_scan_by_key
    thrust::device_vector<int> k = d, v(n, 1);
    thrust::sort(k.begin(), k.end());
    thrust::device_vector<int> sums(n);
    thrust::inclusive_scan_by_key(k.begin(), k.end(), v.begin(), sums.begin());
    std::vector<int> hk = h; std::sort(hk.begin(), hk.end());
    std::vector<int> ws(n);
    for (int i = 0; i < n; i++) ws[i] = (i > 0 && hk[i] == hk[i - 1]) ? ws[i - 1] + 1 : 1;
    thrust::host_vector<int> gs = sums;
    EXPECT(std::equal(ws.begin(), ws.end(), gs.begin()));
    auto ue = thrust::unique_by_key(k.begin(), k.end(), v.begin());
    EXPECT_EQ_LL(ue.first - k.begin(), std::unique(hk.begin(), hk.end()) - hk.begin());
    // merge, set ops, lower_bound
    std::vector<int> a(1000), b(1500);
    for (int i = 0; i < 1000; i++) a[i] = 3 * i;
    for (int i = 0; i < 1500; i++) b[i] = 2 * i;
    thrust::device_vector<int> da(a.begin(), a.end()), db(b.begin(), b.end()), out(2500);
    thrust::merge(da.begin(), da.end(), db.begin(), db.end(), out.begin());
    std::vector<int> wm(2500); std::merge(a.begin(), a.end(), b.begin(), b.end(), wm.begin());
    thrust::host_vector<int> gm = out;
    EXPECT(std::equal(wm.begin(), wm.end(), gm.begin()));
    auto ie = thrust::set_intersection(da.begin(), da.end(), db.begin(), db.end(), out.begin());
    std::vector<int> wi; std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(wi));
    EXPECT_EQ_LL(ie - out.begin(), wi.size());
    thrust::device_vector<int> q(thrust::counting_iterator<int>(0), thrust::counting_iterator<int>(3000)), pos(3000);
    thrust::lower_bound(db.begin(), db.end(), q.begin(), q.end(), pos.begin());
    thrust::host_vector<int> gp = pos;
    bad = 0;
    for (int i = 0; i < 3000 && !bad; i++) bad = gp[i] != (int)(std::lower_bound(b.begin(), b.end(), i) - b.begin());
    EXPECT(!bad);
    // partition, minmax
    thrust::device_vector<int> p = d;
    auto mid = thrust::stable_partition(p.begin(), p.end(), is_neg());
    EXPECT_EQ_LL(mid - p.begin(), std::count_if(h.begin(), h.end(), [](int x) { return x < 0; }));
    auto mm = thrust::minmax_element(d.begin(), d.end());
    EXPECT_EQ_LL(*mm.first, *std::min_element(h.begin(), h.end()));
    EXPECT_EQ_LL(*mm.second, *std::max_element(h.begin(), h.end()));
    // cuda::atomic_ref
    unsigned long long *tot; int *mx;
    CHECK(cudaMallocManaged(&tot, 8)); CHECK(cudaMallocManaged(&mx, 4));
    *tot = 0; *mx = -100000;
    atomic_ref_sum<<<(n + 255) / 256, 256>>>(thrust::raw_pointer_cast(d.data()), n, tot, mx);
    CHECK(cudaDeviceSynchronize());
    unsigned long long wt = 0; for (int x : h) wt += x + 1000;
    EXPECT_EQ_LL(*tot, wt);
    EXPECT_EQ_LL(*mx, *std::max_element(h.begin(), h.end()));
    return finish("thrust_more");
}
