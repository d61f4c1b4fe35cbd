/*
 * test_engine_warp.c - warp collectives (tests/ptx/warp.ptx): shfl's predicate output and
 * segments, vote.uni/all/any with a negated predicate, match.any/all, redux over every
 * operation, elect.sync, and collectives run by a subset of the warp.
 */
#include <check.h>
#include <string.h>

#include "../ptx/harness.h"

START_TEST(warp_shfl_predicates)
{
    engine_module *m = th_load("warp.ptx");
    uint32_t *out = th_alloc(32 * 32);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(m, "shfl_pred", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
    for (uint32_t l = 0; l < 32; l++) {
        uint32_t *r = &out[l * 8];
        int up = l >= 5, down = l + 7 <= 31;
        ck_assert_uint_eq(r[0], (up ? l - 5 : l) * 3);
        ck_assert_uint_eq(r[4], (uint32_t)up);
        ck_assert_uint_eq(r[1], (down ? l + 7 : l) * 3);
        ck_assert_uint_eq(r[5], (uint32_t)down);
        ck_assert_uint_eq(r[2], (40 & 31) * 3); /* the lane index wraps at 32 */
        ck_assert_uint_eq(r[6], 1);
        /* bfly inside 16-lane segments: j = l ^ 9, valid if not past the segment end */
        uint32_t j = l ^ 9, segend = (l & 16) | 15;
        int ok = j <= segend;
        ck_assert_uint_eq(r[3], (ok ? j : l) * 3);
        ck_assert_uint_eq(r[7], (uint32_t)ok);
    }
    th_free(out);
    engine_module_unload(m);
}
END_TEST

START_TEST(warp_collectives)
{
    engine_module *m = th_load("warp.ptx");
    uint32_t *in = th_alloc(32 * 4), *out = th_alloc(32 * 64);
    for (int pattern = 0; pattern < 3; pattern++) {
        for (uint32_t l = 0; l < 32; l++)
            in[l] = pattern == 0 ? 7 : pattern == 1 ? (l % 4 == 0 ? 0 : l % 3 + 1) : (uint32_t)(-(int)l);
        void *a[] = {&in, &out};
        ck_assert_int_eq(th_launch(m, "collectives", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
        uint32_t sum = 0, mn = ~0u, mx = 0, or_ = 0, xr = 0, and_ = ~0u, evsum = 0;
        int32_t smin = INT32_MAX;
        int all_nz = 1, any_z = 0, all_eq = 1, all_z = 1;
        for (uint32_t l = 0; l < 32; l++) {
            sum += in[l];
            mn = in[l] < mn ? in[l] : mn;
            mx = in[l] > mx ? in[l] : mx;
            smin = (int32_t)in[l] < smin ? (int32_t)in[l] : smin;
            or_ |= in[l];
            xr ^= in[l];
            and_ &= in[l];
            all_nz &= in[l] != 0;
            any_z |= in[l] == 0;
            all_z &= in[l] == 0;
            all_eq &= in[l] == in[0];
            if (!(l & 1))
                evsum += in[l];
        }
        int uni = all_nz || all_z; /* the predicate is the same in every lane */
        (void)mn;
        for (uint32_t l = 0; l < 32; l++) {
            uint32_t *r = &out[l * 16], same = 0;
            for (uint32_t k = 0; k < 32; k++)
                if (in[k] == in[l])
                    same |= 1u << k;
            ck_assert_uint_eq(r[0], same);
            ck_assert_uint_eq(r[1], all_eq ? ~0u : 0);
            ck_assert_uint_eq(r[2], sum);
            ck_assert_uint_eq(r[3], (uint32_t)smin);
            ck_assert_uint_eq(r[4], mx);
            ck_assert_uint_eq(r[5], or_);
            ck_assert_uint_eq(r[6], xr);
            ck_assert_uint_eq(r[7], and_);
            ck_assert_uint_eq(r[8], 0);             /* elected lane */
            ck_assert_uint_eq(r[9], (uint32_t)uni); /* vote.uni */
            ck_assert_uint_eq(r[10], (uint32_t)all_nz);
            ck_assert_uint_eq(r[11], (uint32_t)any_z);
            ck_assert_uint_eq(r[12], (uint32_t)all_eq);
            ck_assert_uint_eq(r[13], l == 0);
            ck_assert_uint_eq(r[14], l & 1 ? 0 : evsum);
            ck_assert_uint_eq(r[15], l & 1 ? 0 : 0x55555555u);
        }
    }
    th_free(in);
    th_free(out);
    engine_module_unload(m);
}
END_TEST

START_TEST(warp_shfl_from_absent_lanes)
{
    engine_module *m = th_load("warp.ptx");
    uint32_t *out = th_alloc(32 * 4);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(m, "shfl_partial", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
    for (uint32_t l = 0; l < 32; l++)
        ck_assert_uint_eq(out[l], l < 4 ? l + 4 + 100 : 0);
    th_free(out);
    engine_module_unload(m);
}
END_TEST

Suite *suite_engine_warp(void)
{
    Suite *s = suite_create("engine_warp");
    TCase *tc = tcase_create("warp");
    tcase_add_test(tc, warp_shfl_predicates);
    tcase_add_test(tc, warp_collectives);
    tcase_add_test(tc, warp_shfl_from_absent_lanes);
    suite_add_tcase(s, tc);
    return s;
}
