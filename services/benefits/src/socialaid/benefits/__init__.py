"""Benefits service (待遇测算): dated policy parameters per region and explainable assessments."""
