"""Development: says in the log that a message would go, by template and masked number; sends nothing."""

import logging
import uuid

from .base import OutgoingMessage, digits_for, masked, rendered
from .msg91 import check_variable_lengths

logger = logging.getLogger(__name__)


def send(message: OutgoingMessage) -> str:
    # Fail as the real providers would, so a bad template shows up while developing.
    digits_for(message)
    if message.channel == "sms":
        check_variable_lengths(message.params)
    rendered(message)
    logger.info(
        "console %s: %s (%s) to %s",
        message.channel,
        message.template.kind,
        message.template.provider_template_id,
        masked(message.to),
    )
    return f"console-{uuid.uuid4().hex}"
