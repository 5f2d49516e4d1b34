"""The Celery side: queue names, the base task class, thin tasks that call services."""
