"""The booking-submission row of `make bench`: valid POSTs, each with a fresh CSRF token."""

# Settings the bench relaxes so one loopback address may send many bookings (printed by the bench).
RELAXED_SETTINGS = {}


def measure(base_url, seconds, connections):
    return {"name": "booking submissions", "skipped": "the booking form is not on this branch yet"}
