"""Data for trying and measuring the product, not part of it: the demo
(``demo``), a synthetic world of any size (``synthetic``) and the benchmark
harness's dataset in our schema (``bench_dataset``)."""
