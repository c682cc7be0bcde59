"""Background jobs: the same task code runs in-process (default) or on SAQ workers."""
