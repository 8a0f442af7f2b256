"""The test kit: every factory, builder and helper the tests share, in one place.

- `factories`: a factory_boy factory for every model (tests/conftest.py exposes them as fixtures)
  and builders of rows in a given state (`active_product`, `live_session`, `make_order`...).
- `buying`: checkouts, live purchases and flash deals placed through the services.
- `concurrency`: `run_at_once`, racing threads released together.
- `pages`: reading an HTML response (tags, form errors, messages).
- `logins`: clients logged in as a buyer, seller, staff, host or moderator.
- `admin_forms`: the POST data of the seller admin's product forms.
- `realtime`: the room's WebSocket in process (`WebsocketCommunicator`).
- `servers`, `processes`: real servers (gunicorn, daphne, Redis) and clients over TCP.
"""
