__constant__ float scale = 2.0f;
__global__ void scaled_add(const float *a, const float *b, float *c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        c[i] = scale * (a[i] + b[i]);
}
