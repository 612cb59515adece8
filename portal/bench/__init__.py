"""The national-scale benchmark (``make bench``): data set, production-like serving, load, jobs, report."""
