"""The privacy notice's version: recorded on every request with the moment it was accepted.

Change it whenever templates/appointments/privacy_notice.html changes in substance.
"""

# 2026-12-02: what the diary stores (appointments, held times and their hashed marks, the manage link), and the
# messaging providers who carry SMS and WhatsApp messages.
PRIVACY_NOTICE_VERSION = "2026-12-02"
