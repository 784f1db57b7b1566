"""The scale data set: a large, consistent program for benchmarks
(`manage.py seed_demo --scale N`)."""
