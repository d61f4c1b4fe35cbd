// Blocks of an ordinary launch that wait for each other, as hand-written code does when the
// grid fits on the GPU at once (persistent kernels sized with the occupancy API): a sense-
// reversing grid barrier spinning on a volatile flag, the same polling the flag with
// atomicAdd(p, 0), and a spin lock taken with atomicCAS protecting a non-atomic update.
// CUDA does not promise co-residency outside cooperative launches, but every GPU runs such a
// grid, so must the cpu device: a block that spins lets the blocks it waits for start.
#include "common.h"

__device__ unsigned arrived, generation, lock_word;

__device__ void grid_barrier(bool use_atomic_poll)
{
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned gen = *(volatile unsigned *)&generation;
        __threadfence();
        if (atomicAdd(&arrived, 1) == gridDim.x - 1) {
            arrived = 0;
            __threadfence();
            atomicAdd(&generation, 1);
        } else if (use_atomic_poll) {
            while (atomicAdd(&generation, 0) == gen)
                ;
        } else {
            while (*(volatile unsigned *)&generation == gen)
                ;
        }
        __threadfence();
    }
    __syncthreads();
}

// Each round every block adds its id to the slot of its neighbour, which needs the previous
// round of every block to be complete: the barrier makes the rounds steps.
__global__ void rounds(int *slots, int nrounds, bool use_atomic_poll)
{
    for (int r = 0; r < nrounds; r++) {
        int next = (blockIdx.x + 1) % gridDim.x;
        int v = 0;
        if (threadIdx.x == 0)
            v = slots[blockIdx.x];
        grid_barrier(use_atomic_poll);
        if (threadIdx.x == 0)
            slots[next] = v + 1;
        grid_barrier(use_atomic_poll);
    }
}

__global__ void locked_sum(long long *total, int per_block)
{
    if (threadIdx.x != 0)
        return;
    for (int i = 0; i < per_block; i++) {
        while (atomicCAS(&lock_word, 0u, 1u) != 0u)
            ;
        __threadfence();
        *(volatile long long *)total += blockIdx.x + 1; // plain update under the lock
        __threadfence();
        atomicExch(&lock_word, 0u);
    }
}

int main()
{
    const int threads = 64;
    int per_sm = 0, sms = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, rounds, threads, 0));
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    const int blocks = per_sm * sms; // the whole grid fits on the device at once
    EXPECT(blocks > 2);
    int *slots;
    CHECK(cudaMalloc(&slots, blocks * sizeof(int)));
    for (int poll = 0; poll < 2; poll++) {
        CHECK(cudaMemset(slots, 0, blocks * sizeof(int)));
        const int nrounds = 5;
        rounds<<<blocks, threads>>>(slots, nrounds, poll == 1);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        int h[1024];
        CHECK(cudaMemcpy(h, slots, blocks * sizeof(int), cudaMemcpyDeviceToHost));
        for (int b = 0; b < blocks; b++)
            EXPECT_EQ_LL(h[b], nrounds); // each round passes every value one step on, plus one
    }

    long long *total, got = 0;
    CHECK(cudaMalloc(&total, sizeof *total));
    CHECK(cudaMemset(total, 0, sizeof *total));
    const int lock_blocks = 16, per_block = 50;
    locked_sum<<<lock_blocks, 32>>>(total, per_block);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(&got, total, sizeof got, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(got, (long long)per_block * lock_blocks * (lock_blocks + 1) / 2);
    return finish("kernels_interblock");
}
