"""Vouchers in one place: `rules` (when one applies and how much it takes off), `selectors` (the
wallet and the shop page's cached strip), `services` (save, claim, count and release uses),
`expiry` (the beat jobs). The models stay in orders.models (Checkout and Order point at them)."""
