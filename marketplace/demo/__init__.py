"""The demo marketplace `make run` starts with: data, pictures and past histories.

Not part of any product app: it sits above shops, orders and live (like the urls) and builds its
rows through their services, so the demo shows what the real code does. The `seed_demo*` commands
in marketplace/management/commands/ drive it.
"""
