"""HTTP layer: a thin FastAPI app over the clusterqa library."""
