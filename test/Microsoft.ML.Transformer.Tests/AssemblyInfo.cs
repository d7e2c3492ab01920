// Tests that train models use both cores; running them in parallel would only make each slower and noisier.
[assembly: DoNotParallelize]
