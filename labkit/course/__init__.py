"""Course plumbing: the lab object and its profiles, paths, the runner and CLI, editions, exercise checks,
expected results, artifacts between notebooks and data fetched by name. Nothing here teaches; it runs the course."""
