"""A bare Django 5.2 reference app for bench/compare.py: the least each kind of request needs
(no middleware, no templates engine, no sessions), reading the project's own tables through
unmanaged models, so both sides see the same rows in the same PostgreSQL database."""
