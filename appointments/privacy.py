"""The privacy notice's version: recorded on every request with the moment it was accepted.

Change it whenever templates/appointments/privacy_notice.html changes in substance.
"""

PRIVACY_NOTICE_VERSION = "2026-11-25+messages"
